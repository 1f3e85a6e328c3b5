import { randomUUID } from 'node:crypto';
import type { Database, OnQuery } from '../../../lib/db';
import { isUniqueViolation, scopedClient } from '../../../lib/db';
import { conflict, notFound } from '../../../lib/errors';
import { codesWithPrefix, significantPrefix } from '../../../lib/auth';
import type { Page } from '../../../lib/graphql/connections';
import type { HousingConfig } from './config';
import { PrismaClient, Prisma } from './generated/prisma/client';
import type { Acquisition, BuybackState, PremisesState, PriceType, PriceZone, SignOffRole } from './generated/prisma/enums';
import type { ClearanceStatus, Defect } from './generated/graphql';
import type {
  AuditEntryModel,
  BuybackModel,
  ClearanceQueryModel,
  DevelopmentModel,
  InspectionItems,
  InspectionModel,
  InspectionSignatureModel,
  LeaseModel,
  PremisesComplianceModel,
  PremisesModel,
  ReferencePriceModel,
  SignOffModel,
} from './models';
import { isUuid } from './rules';
import { fromDateColumn, toDateColumn } from '../../../lib/dates';

/** The one module of this subgraph that touches Prisma. */

type Transaction = Prisma.TransactionClient;

/** Who acts: the token subject, the role acted in, the organisation, the jurisdiction. */
export interface Actor {
  id: string;
  role: string;
  org: string | null;
  area: string;
  requestId: string;
}

export interface NewDevelopment {
  developerId: string;
  communityCode: string;
  name: string;
  landGrantDate: string;
  plannedHouseholds: number;
  acquisition: Acquisition;
}

export interface NewPremises {
  developmentId: string;
  communityCode: string;
  building: string;
  floor: number;
  unit: string;
  plannedArea: string;
  purpose: string;
}

export interface NewInspection extends InspectionItems {
  notes: string | null;
  defects: Defect[];
}

export interface NewLease {
  communityCode: string;
  landlord: string;
  address: string;
  area: string;
  monthlyRent: string;
  startsOn: string;
  endsOn: string;
}

export interface NewReferencePrice {
  city: string;
  year: number;
  priceType: PriceType;
  zone: PriceZone;
  unitPrice: string;
  sourceDocument: string;
}

export interface Valuation {
  priceType: PriceType;
  zone: PriceZone;
  referenceYear: number;
  referenceYearReason: string | null;
  valuedOn: string;
}

/**
 * What a premises step does, decided against the row read inside the transaction (so a refusal
 * writes nothing): the new state (or the same one), the columns to set and the audit action.
 */
export interface PremisesChange {
  to: PremisesState;
  data?: Prisma.PremisesUpdateManyMutationInput;
  action: string;
  reason?: string;
  detail?: Record<string, unknown>;
}

const decimal = (value: Prisma.Decimal): string => value.toFixed(2);

function toDevelopment(row: Prisma.DevelopmentGetPayload<object>): DevelopmentModel {
  return {
    id: row.id,
    developerId: row.developerId,
    communityCode: row.communityCode,
    name: row.name,
    landGrantDate: fromDateColumn(row.landGrantDate),
    plannedHouseholds: row.plannedHouseholds,
    acquisition: row.acquisition,
  };
}

function toPremises(row: Prisma.PremisesGetPayload<object>): PremisesModel {
  return {
    ...row,
    plannedArea: decimal(row.plannedArea),
    acceptedArea: row.acceptedArea ? decimal(row.acceptedArea) : null,
    noticeStartsOn: fromDateColumn(row.noticeStartsOn),
    noticeEndsOn: fromDateColumn(row.noticeEndsOn),
    titleTransferredOn: fromDateColumn(row.titleTransferredOn),
  };
}

function toBuyback(row: Prisma.BuybackGetPayload<object>): BuybackModel {
  return {
    ...row,
    unitPrice: decimal(row.unitPrice),
    area: decimal(row.area),
    amount: decimal(row.amount),
    valuedOn: fromDateColumn(row.valuedOn),
    paidOn: fromDateColumn(row.paidOn),
  };
}

function toLease(row: Prisma.LeaseGetPayload<object>): LeaseModel {
  return {
    id: row.id,
    communityCode: row.communityCode,
    landlord: row.landlord,
    address: row.address,
    area: decimal(row.area),
    monthlyRent: decimal(row.monthlyRent),
    startsOn: fromDateColumn(row.startsOn),
    endsOn: fromDateColumn(row.endsOn),
  };
}

function toReferencePrice(row: Prisma.ReferencePriceGetPayload<object>): ReferencePriceModel {
  return {
    city: row.city,
    year: row.year,
    priceType: row.priceType,
    zone: row.zone,
    unitPrice: decimal(row.unitPrice),
    sourceDocument: row.sourceDocument,
    publishedAt: row.publishedAt,
  };
}

// Enums sort in their declared order; a cursor's "after" is the values declared later.
const PRICE_TYPES: PriceType[] = ['COMMERCIAL', 'RESIDENTIAL'];
const PRICE_ZONES: PriceZone[] = ['CITY_WIDE', 'MAIN_URBAN'];
function later<T>(values: T[], value: unknown): T[] {
  const at = values.indexOf(value as T);
  return at < 0 ? [] : values.slice(at + 1);
}

/** Today in the city's time zone, YYYY-MM-DD. */
function todayIn(timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** Rows whose code lies under the area: a range on the indexed code column. */
function under(within: string) {
  return codesWithPrefix(significantPrefix(within));
}

export function createHousingStore(
  database: Database,
  onQuery: OnQuery | undefined,
  timeZone: string,
  config: HousingConfig,
) {
  // Every transaction bounded by the request's deadline and guarded by its idempotency key (lib/db/scope.ts).
  const prisma = scopedClient(new PrismaClient({ adapter: database.adapter, log: onQuery ? [{ emit: 'event', level: 'query' }] : [] }), 'housing');
  if (onQuery) prisma.$on('query' as never, (event: Prisma.QueryEvent) => onQuery(event.query, event.params));

  const today = () => todayIn(timeZone);

  async function audit(
    tx: Transaction,
    event: { entityType: string; entityId: string; communityCode: string; action: string; from?: string; to?: string; reason?: string; detail?: object },
    actor: Actor,
  ) {
    await tx.auditEvent.create({
      data: {
        entityType: event.entityType,
        entityId: event.entityId,
        communityCode: event.communityCode,
        action: event.action,
        fromState: event.from,
        toState: event.to,
        actor: actor.id,
        actorRole: actor.role,
        actorOrg: actor.org,
        reason: event.reason,
        detail: event.detail as Prisma.InputJsonObject | undefined,
        requestId: actor.requestId,
      },
    });
  }

  async function readPremises(tx: Transaction, id: string, expectedVersion: number | undefined): Promise<PremisesModel> {
    const row = isUuid(id) ? await tx.premises.findUnique({ where: { id } }) : null;
    if (!row) throw notFound(`No premises ${id}.`);
    const premises = toPremises(row);
    if (expectedVersion !== undefined && expectedVersion !== premises.version) {
      throw conflict(`Premises ${id} changed since (now version ${premises.version}); reload and retry.`, {
        field: 'input.expectedVersion',
        currentVersion: premises.version,
      });
    }
    return premises;
  }

  /**
   * The conditional version update every premises step ends with: of two writers that read the
   * same version, the second updates nothing and gets CONFLICT, and its transaction (sign-off
   * or inspection rows included) is rolled back.
   */
  async function advance(tx: Transaction, before: PremisesModel, change: PremisesChange, actor: Actor): Promise<PremisesModel> {
    const { count } = await tx.premises.updateMany({
      where: { id: before.id, version: before.version },
      data: { ...change.data, state: change.to, version: { increment: 1 }, updatedAt: new Date() },
    });
    if (count !== 1) throw conflict(`Premises ${before.id} was changed by someone else meanwhile; reload and retry.`, { field: 'input.expectedVersion' });
    await audit(
      tx,
      {
        entityType: 'Premises',
        entityId: before.id,
        communityCode: before.communityCode,
        action: change.action,
        from: before.state,
        to: change.to,
        reason: change.reason,
        detail: change.detail,
      },
      actor,
    );
    return toPremises(await tx.premises.findUniqueOrThrow({ where: { id: before.id } }));
  }

  /** Runs a premises write in one transaction; a duplicate row from a racing writer is a CONFLICT. */
  async function write<T>(work: (tx: Transaction) => Promise<T>, duplicate: string): Promise<T> {
    try {
      return await prisma.$transaction(work);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(duplicate, { field: 'input.expectedVersion' });
      throw error;
    }
  }

  return {
    today,
    config,

    // --- reads ------------------------------------------------------------------------------

    async developmentsById(ids: readonly string[]): Promise<DevelopmentModel[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return (await prisma.development.findMany({ where: { id: { in: valid } } })).map(toDevelopment);
    },

    async developmentPage(within: string, page: Page<(string | number)[]>): Promise<DevelopmentModel[]> {
      const where: Prisma.DevelopmentWhereInput = { communityCode: under(within) };
      const after = page.after;
      const rows = await prisma.development.findMany({
        where: after ? { AND: [where, { OR: [{ name: { gt: String(after[0]) } }, { name: String(after[0]), id: { gt: String(after[1]) } }] }] } : where,
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
        take: page.first + 1,
      });
      return rows.map(toDevelopment);
    },

    countDevelopments: (within: string) => prisma.development.count({ where: { communityCode: under(within) } }),

    /** One page of developments for each developer at once: one statement (a LIMITed lateral per developer). */
    async developmentIdsOfDevelopers(developers: readonly string[], page: Page<(string | number)[]>): Promise<{ owner: string; id: string }[]> {
      const valid = developers.filter(isUuid);
      if (valid.length === 0) return [];
      const after = page.after ? Prisma.sql`AND (d.name, d.id) > (${String(page.after[0])}, ${String(page.after[1])}::uuid)` : Prisma.empty;
      return prisma.$queryRaw<{ owner: string; id: string }[]>`
        SELECT o.id::text AS owner, d.id::text AS id
          FROM unnest(${valid}::uuid[]) AS o(id)
          CROSS JOIN LATERAL (
            SELECT d.id, d.name FROM housing.development d
             WHERE d.developer_id = o.id ${after}
             ORDER BY d.name, d.id LIMIT ${page.first + 1}) AS d
         ORDER BY o.id, d.name, d.id`;
    },

    async countDevelopmentsOfDevelopers(developers: readonly string[]): Promise<{ key: string; count: number }[]> {
      const rows = await prisma.development.groupBy({ by: ['developerId'], where: { developerId: { in: developers.filter(isUuid) } }, _count: { _all: true } });
      return rows.map((row) => ({ key: row.developerId, count: row._count._all }));
    },

    async premisesById(ids: readonly string[]): Promise<PremisesModel[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return (await prisma.premises.findMany({ where: { id: { in: valid } } })).map(toPremises);
    },

    async premisesOfDevelopments(ids: readonly string[]): Promise<PremisesModel[]> {
      const rows = await prisma.premises.findMany({
        where: { developmentId: { in: ids.filter(isUuid) } },
        orderBy: [{ developmentId: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toPremises);
    },

    /** One page of premises for each community at once: one statement. */
    async premisesIdsOfCommunities(codes: readonly string[], page: Page<(string | number)[]>): Promise<{ owner: string; id: string }[]> {
      const after = page.after
        ? Prisma.sql`AND (p.building, p.floor, p.unit, p.id) > (${String(page.after[0])}, ${Number(page.after[1])}::smallint, ${String(page.after[2])}, ${String(page.after[3])}::uuid)`
        : Prisma.empty;
      return prisma.$queryRaw<{ owner: string; id: string }[]>`
        SELECT c.code AS owner, p.id::text AS id
          FROM unnest(${[...codes]}::text[]) AS c(code)
          CROSS JOIN LATERAL (
            SELECT p.id, p.building, p.floor, p.unit FROM housing.premises p
             WHERE p.community_code = c.code::bpchar ${after}
             ORDER BY p.building, p.floor, p.unit, p.id LIMIT ${page.first + 1}) AS p
         ORDER BY c.code, p.building, p.floor, p.unit, p.id`;
    },

    async countPremisesOfCommunities(codes: readonly string[]): Promise<{ key: string; count: number }[]> {
      const rows = await prisma.premises.groupBy({ by: ['communityCode'], where: { communityCode: { in: [...codes] } }, _count: { _all: true } });
      return rows.map((row) => ({ key: row.communityCode, count: row._count._all }));
    },

    async signOffs(premisesIds: readonly string[]): Promise<SignOffModel[]> {
      const rows = await prisma.$queryRaw<SignOffModel[]>`
        SELECT s.premises_id::text AS "premisesId", p.community_code AS "communityCode", s.role::text AS role, s.actor,
               s.actor_area AS area, s.signed_at AS "signedAt"
          FROM housing.plan_sign_off s JOIN housing.premises p ON p.id = s.premises_id
         WHERE s.premises_id = ANY(${premisesIds.filter(isUuid)}::uuid[])
         ORDER BY s.premises_id, s.signed_at, s.role`;
      return rows;
    },

    async inspections(premisesIds: readonly string[]): Promise<InspectionModel[]> {
      const rows = await prisma.$queryRaw<(Omit<InspectionModel, 'measuredArea' | 'plannedArea'> & { measuredArea: Prisma.Decimal; plannedArea: Prisma.Decimal })[]>`
        SELECT i.id::text AS id, i.premises_id::text AS "premisesId", p.community_code AS "communityCode", p.planned_area AS "plannedArea", i.round::int AS round,
               i.measured_area AS "measuredArea", i.location_as_planned AS "locationAsPlanned", i.above_ground AS "aboveGround",
               i.regular_shape AS "regularShape", i.no_partitions AS "noPartitions", i.own_entrance AS "ownEntrance",
               i.utilities, i.defects, i.notes, i.outcome::text AS outcome, i.recorded_at AS "recordedAt", i.decided_at AS "decidedAt"
          FROM housing.inspection i JOIN housing.premises p ON p.id = i.premises_id
         WHERE i.premises_id = ANY(${premisesIds.filter(isUuid)}::uuid[])
         ORDER BY i.premises_id, i.round`;
      return rows.map((row) => ({ ...row, measuredArea: new Prisma.Decimal(row.measuredArea).toFixed(2), plannedArea: new Prisma.Decimal(row.plannedArea).toFixed(2) }));
    },

    async inspectionSignatures(inspectionIds: readonly string[]): Promise<InspectionSignatureModel[]> {
      return prisma.$queryRaw<InspectionSignatureModel[]>`
        SELECT s.inspection_id::text AS "inspectionId", p.community_code AS "communityCode", s.role::text AS role, s.actor,
               s.actor_area AS area, s.signed_at AS "signedAt"
          FROM housing.inspection_signature s
          JOIN housing.inspection i ON i.id = s.inspection_id
          JOIN housing.premises p ON p.id = i.premises_id
         WHERE s.inspection_id = ANY(${inspectionIds.filter(isUuid)}::uuid[])
         ORDER BY s.inspection_id, s.signed_at, s.role`;
    },

    async buybacks(premisesIds: readonly string[]): Promise<BuybackModel[]> {
      return (await prisma.buyback.findMany({ where: { premisesId: { in: premisesIds.filter(isUuid) } } })).map(toBuyback);
    },

    async auditTrails(premisesIds: readonly string[]): Promise<AuditEntryModel[]> {
      const rows = await prisma.auditEvent.findMany({
        where: { entityType: 'Premises', entityId: { in: [...premisesIds] } },
        orderBy: [{ entityId: 'asc' }, { id: 'asc' }],
      });
      return rows.map((row) => ({
        entityId: row.entityId,
        communityCode: row.communityCode,
        action: row.action,
        from: row.fromState,
        to: row.toState,
        actor: row.actor,
        actorRole: row.actorRole,
        actorOrganization: row.actorOrg,
        reason: row.reason,
        at: row.at,
      }));
    },

    async referencePricePage(city: string, page: Page<(string | number)[]>): Promise<ReferencePriceModel[]> {
      const after = page.after;
      const rows = await prisma.referencePrice.findMany({
        where: after
          ? {
              city,
              OR: [
                { year: { lt: Number(after[0]) } },
                { year: Number(after[0]), priceType: { in: later(PRICE_TYPES, after[1]) } },
                { year: Number(after[0]), priceType: String(after[1]) as PriceType, zone: { in: later(PRICE_ZONES, after[2]) } },
              ],
            }
          : { city },
        orderBy: [{ year: 'desc' }, { priceType: 'asc' }, { zone: 'asc' }],
        take: page.first + 1,
      });
      return rows.map(toReferencePrice);
    },

    countReferencePrices: (city: string) => prisma.referencePrice.count({ where: { city } }),

    async leasesById(ids: readonly string[]): Promise<LeaseModel[]> {
      return (await prisma.lease.findMany({ where: { id: { in: ids.filter(isUuid) } } })).map(toLease);
    },

    /** One page of leases for each community at once, by end date: one statement. */
    async leaseIdsOfCommunities(codes: readonly string[], page: Page<(string | number)[]>): Promise<{ owner: string; id: string }[]> {
      const after = page.after ? Prisma.sql`AND (l.ends_on, l.id) > (${String(page.after[0])}::date, ${String(page.after[1])}::uuid)` : Prisma.empty;
      return prisma.$queryRaw<{ owner: string; id: string }[]>`
        SELECT c.code AS owner, l.id::text AS id
          FROM unnest(${[...codes]}::text[]) AS c(code)
          CROSS JOIN LATERAL (
            SELECT l.id, l.ends_on FROM housing.lease l
             WHERE l.community_code = c.code::bpchar ${after}
             ORDER BY l.ends_on, l.id LIMIT ${page.first + 1}) AS l
         ORDER BY c.code, l.ends_on, l.id`;
    },

    async countLeasesOfCommunities(codes: readonly string[]): Promise<{ key: string; count: number }[]> {
      const rows = await prisma.lease.groupBy({ by: ['communityCode'], where: { communityCode: { in: [...codes] } }, _count: { _all: true } });
      return rows.map((row) => ({ key: row.communityCode, count: row._count._all }));
    },

    /** Leases under the area ending from today to `until`, soonest first. */
    async leasesExpiringPage(within: string, until: string, page: Page<(string | number)[]>): Promise<LeaseModel[]> {
      const where: Prisma.LeaseWhereInput = { communityCode: under(within), endsOn: { gte: toDateColumn(today()), lte: toDateColumn(until) } };
      const after = page.after;
      const rows = await prisma.lease.findMany({
        where: after
          ? { AND: [where, { OR: [{ endsOn: { gt: toDateColumn(String(after[0])) } }, { endsOn: toDateColumn(String(after[0])), id: { gt: String(after[1]) } }] }] }
          : where,
        orderBy: [{ endsOn: 'asc' }, { id: 'asc' }],
        take: page.first + 1,
      });
      return rows.map(toLease);
    },

    countLeasesExpiring: (within: string, until: string) =>
      prisma.lease.count({ where: { communityCode: under(within), endsOn: { gte: toDateColumn(today()), lte: toDateColumn(until) } } }),

    /**
     * Compliance of the given communities (households from the communities subgraph), with the
     * page after `after` of those below standard when `belowOnly`: one statement whatever the
     * number of communities, the total count computed alongside (a window over the filtered set).
     */
    async compliance(
      communities: readonly { code: string; households: number }[],
      options: { belowOnly: boolean; page?: Page<(string | number)[]> },
    ): Promise<{ rows: PremisesComplianceModel[]; total: number }> {
      const codes = communities.map((c) => c.code);
      const households = communities.map((c) => c.households);
      const page = options.page;
      const after = page?.after
        ? Prisma.sql`AND (s.shortfall < ${String(page.after[0])}::numeric OR (s.shortfall = ${String(page.after[0])}::numeric AND s.code > ${String(page.after[1])}))`
        : Prisma.empty;
      const below = options.belowOnly ? Prisma.sql`WHERE r.required > r.owned + r.leased` : Prisma.empty;
      const limit = page ? Prisma.sql`LIMIT ${page.first + 1}` : Prisma.empty;
      const rows = await prisma.$queryRaw<
        { code: string; households: number; owned: string; leased: string; required: string; shortfall: string; total: number }[]
      >`
        WITH c AS (SELECT * FROM unnest(${codes}::text[], ${households}::int[]) AS c(code, households)),
        r AS (
          -- The text code is cast to the column's char(12), not the column to text: the community indexes stay usable.
          SELECT c.code, c.households,
                 coalesce((SELECT sum(p.accepted_area) FROM housing.premises p
                            WHERE p.community_code = c.code::bpchar AND p.state = 'IN_USE'), 0) AS owned,
                 coalesce((SELECT sum(l.area) FROM housing.lease l
                            WHERE l.community_code = c.code::bpchar AND l.starts_on <= ${today()}::date AND l.ends_on >= ${today()}::date), 0) AS leased,
                 greatest(${config.minPremisesM2}::numeric, c.households * ${config.m2Per100Households}::numeric / 100) AS required
            FROM c),
        s AS (
          SELECT r.*, greatest(r.required - r.owned - r.leased, 0) AS shortfall, count(*) OVER () AS total
            FROM r ${below})
        SELECT s.code, s.households, s.owned::numeric(12,2)::text AS owned, s.leased::numeric(12,2)::text AS leased,
               s.required::numeric(12,2)::text AS required, s.shortfall::numeric(12,2)::text AS shortfall, s.total::int AS total
          FROM s WHERE true ${after}
         ORDER BY s.shortfall DESC, s.code ${limit}`;
      return {
        rows: rows.map((row) => ({
          communityCode: row.code,
          households: row.households,
          ownedArea: row.owned,
          leasedArea: row.leased,
          requiredArea: row.required,
          shortfall: row.shortfall,
        })),
        total: rows[0]?.total ?? (page?.after ? -1 : 0),
      };
    },

    async clearanceQueryPage(developmentId: string, page: Page<(string | number)[]>): Promise<ClearanceQueryModel[]> {
      const after = page.after ? { id: { lt: BigInt(String(page.after[0])) } } : {};
      const rows = await prisma.clearanceQuery.findMany({
        where: { developmentId, ...after },
        orderBy: { id: 'desc' },
        take: page.first + 1,
      });
      return rows.map((row) => ({
        id: row.id.toString(),
        askedBy: row.askedBy,
        askedArea: row.askedArea,
        status: row.status as ClearanceStatus,
        reasons: row.reasons as string[],
        askedAt: row.askedAt,
      }));
    },

    countClearanceQueries: (developmentId: string) => prisma.clearanceQuery.count({ where: { developmentId } }),

    // --- writes -----------------------------------------------------------------------------

    async recordClearanceQuery(developmentId: string, status: ClearanceStatus, reasons: string[], actor: Actor): Promise<void> {
      await prisma.clearanceQuery.create({
        data: { developmentId, askedBy: actor.id, askedArea: actor.area, status, reasons, requestId: actor.requestId },
      });
    },

    async registerDevelopment(development: NewDevelopment, actor: Actor): Promise<DevelopmentModel> {
      const id = randomUUID();
      return prisma.$transaction(async (tx) => {
        const row = await tx.development.create({ data: { ...development, id, landGrantDate: toDateColumn(development.landGrantDate) } });
        await audit(tx, { entityType: 'Development', entityId: id, communityCode: development.communityCode, action: 'REGISTER', detail: { ...development } }, actor);
        return toDevelopment(row);
      });
    },

    async planPremises(premises: NewPremises, actor: Actor): Promise<PremisesModel> {
      const id = randomUUID();
      return prisma.$transaction(async (tx) => {
        const row = await tx.premises.create({ data: { ...premises, id } });
        await audit(
          tx,
          { entityType: 'Premises', entityId: id, communityCode: premises.communityCode, action: 'PLAN', to: 'PLANNED', detail: { ...premises } },
          actor,
        );
        return toPremises(row);
      });
    },

    /**
     * Records the caller's office's sign-off and, when the other office signed already, approves
     * the plan, all with the premises' conditional version update: two offices signing at once
     * cannot both miss each other's row (the second gets CONFLICT and retries).
     */
    async signPlan(
      id: string,
      expectedVersion: number,
      role: SignOffRole,
      decide: (premises: PremisesModel, signed: SignOffRole[]) => PremisesChange,
      actor: Actor,
    ): Promise<PremisesModel> {
      return write(async (tx) => {
        const before = await readPremises(tx, id, expectedVersion);
        const signed = (await tx.planSignOff.findMany({ where: { premisesId: id }, select: { role: true } })).map((s) => s.role);
        const change = decide(before, signed);
        await tx.planSignOff.create({ data: { premisesId: id, role, actor: actor.id, actorArea: actor.area } });
        return advance(tx, before, change, actor);
      }, `The plan of premises ${id} was signed by ${role} meanwhile; reload.`);
    },

    /** A plain step: `decide` checks the row read in the transaction and says what changes. */
    async step(id: string, expectedVersion: number, decide: (premises: PremisesModel, buyback: BuybackModel | null) => PremisesChange, actor: Actor): Promise<PremisesModel> {
      return write(async (tx) => {
        const before = await readPremises(tx, id, expectedVersion);
        const buybackRow = await tx.buyback.findUnique({ where: { premisesId: id } });
        return advance(tx, before, decide(before, buybackRow ? toBuyback(buybackRow) : null), actor);
      }, `Premises ${id} changed meanwhile; reload.`);
    },

    /** Records an inspection with the caller's signature; the premises' state waits for the countersignature. */
    async recordInspection(
      id: string,
      expectedVersion: number,
      role: SignOffRole,
      inspection: NewInspection,
      decide: (premises: PremisesModel, pending: boolean) => PremisesChange,
      actor: Actor,
    ): Promise<PremisesModel> {
      return write(async (tx) => {
        const before = await readPremises(tx, id, expectedVersion);
        const pending = (await tx.inspection.count({ where: { premisesId: id, outcome: null } })) > 0;
        const change = decide(before, pending);
        const round = (await tx.inspection.count({ where: { premisesId: id } })) + 1;
        const inspectionId = randomUUID();
        await tx.inspection.create({ data: { id: inspectionId, premisesId: id, round, ...inspection } });
        await tx.inspectionSignature.create({ data: { inspectionId, role, actor: actor.id, actorArea: actor.area } });
        return advance(tx, before, { ...change, detail: { ...change.detail, round, ...inspection } }, actor);
      }, `Premises ${id} was inspected meanwhile; reload.`);
    },

    /** The second office signs the pending inspection; its outcome becomes the premises' state. */
    async countersignInspection(
      id: string,
      expectedVersion: number,
      role: SignOffRole,
      decide: (premises: PremisesModel, pending: InspectionModel | null, signed: SignOffRole[]) => PremisesChange,
      actor: Actor,
    ): Promise<PremisesModel> {
      return write(async (tx) => {
        const before = await readPremises(tx, id, expectedVersion);
        const row = await tx.inspection.findFirst({ where: { premisesId: id, outcome: null } });
        const pending: InspectionModel | null = row
          ? { ...row, measuredArea: decimal(row.measuredArea), defects: row.defects as Defect[], communityCode: before.communityCode, plannedArea: before.plannedArea }
          : null;
        const signed = pending ? (await tx.inspectionSignature.findMany({ where: { inspectionId: pending.id }, select: { role: true } })).map((s) => s.role) : [];
        const change = decide(before, pending, signed);
        await tx.inspectionSignature.create({ data: { inspectionId: pending!.id, role, actor: actor.id, actorArea: actor.area } });
        await tx.inspection.update({ where: { id: pending!.id }, data: { outcome: change.to, decidedAt: new Date() } });
        return advance(tx, before, change, actor);
      }, `The inspection of premises ${id} was countersigned meanwhile; reload.`);
    },

    async publishReferencePrice(price: NewReferencePrice, actor: Actor): Promise<ReferencePriceModel> {
      try {
        return await prisma.$transaction(async (tx) => {
          const row = await tx.referencePrice.create({ data: { ...price, publishedBy: actor.id } });
          await audit(
            tx,
            { entityType: 'ReferencePrice', entityId: `${price.city}/${price.year}/${price.priceType}/${price.zone}`, communityCode: price.city, action: 'PUBLISH', detail: { ...price } },
            actor,
          );
          return toReferencePrice(row);
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw conflict(`A ${price.year} ${price.priceType} ${price.zone} reference price is already published for ${price.city}.`, { field: 'input.year' });
        }
        throw error;
      }
    },

    async referencePrice(city: string, year: number, priceType: PriceType, zone: PriceZone): Promise<ReferencePriceModel | null> {
      const row = await prisma.referencePrice.findUnique({ where: { city_year_priceType_zone: { city, year, priceType, zone } } });
      return row ? toReferencePrice(row) : null;
    },

    /**
     * Values, approves or pays a buyback: `decide` checks the premises and the buyback read in
     * the transaction and returns the buyback row to write; the premises' version is bumped too,
     * so a concurrent step on the same premises conflicts.
     */
    async buybackStep(
      id: string,
      expectedVersion: number,
      decide: (premises: PremisesModel, buyback: BuybackModel | null) => { state: BuybackState; data: Prisma.BuybackUncheckedCreateInput | Prisma.BuybackUpdateManyMutationInput; action: string; from: string; reason?: string },
      actor: Actor,
    ): Promise<PremisesModel> {
      return write(async (tx) => {
        const current = await tx.buyback.findUnique({ where: { premisesId: id } });
        const before = await readPremises(tx, id, undefined);
        const buyback = current ? toBuyback(current) : null;
        if (buyback && buyback.version !== expectedVersion) {
          throw conflict(`The buyback of premises ${id} changed since (now version ${buyback.version}); reload and retry.`, { field: 'input.expectedVersion' });
        }
        if (!buyback && before.version !== expectedVersion) {
          throw conflict(`Premises ${id} changed since (now version ${before.version}); reload and retry.`, { field: 'input.expectedVersion' });
        }
        const step = decide(before, buyback);
        if (buyback) {
          const { count } = await tx.buyback.updateMany({
            where: { premisesId: id, version: buyback.version },
            data: { ...(step.data as Prisma.BuybackUpdateManyMutationInput), state: step.state, version: { increment: 1 } },
          });
          if (count !== 1) throw conflict(`The buyback of premises ${id} was changed meanwhile; reload and retry.`, { field: 'input.expectedVersion' });
        } else {
          await tx.buyback.create({ data: { ...(step.data as Prisma.BuybackUncheckedCreateInput), premisesId: id, state: step.state } });
        }
        return advance(tx, before, { to: before.state, action: step.action, reason: step.reason, detail: { buyback: { from: step.from, to: step.state, ...step.data } } }, actor);
      }, `The buyback of premises ${id} was valued meanwhile; reload.`);
    },

    async recordLease(lease: NewLease, actor: Actor): Promise<LeaseModel> {
      const id = randomUUID();
      try {
        return await prisma.$transaction(async (tx) => {
          const row = await tx.lease.create({
            data: { ...lease, id, startsOn: toDateColumn(lease.startsOn), endsOn: toDateColumn(lease.endsOn), createdBy: actor.id },
          });
          await audit(tx, { entityType: 'Lease', entityId: id, communityCode: lease.communityCode, action: 'RECORD', detail: { ...lease } }, actor);
          return toLease(row);
        });
      } catch (error) {
        // 23P01: exclusion_violation, the same space let for overlapping days.
        const code = (error as { code?: string }).code;
        const text = error instanceof Error ? error.message : '';
        if (code === '23P01' || text.includes('lease_no_overlap') || text.includes('23P01')) {
          throw conflict(`${lease.address} is already let for days overlapping ${lease.startsOn}–${lease.endsOn}.`, { field: 'input.startsOn' });
        }
        throw error;
      }
    },

    close: () => prisma.$disconnect(),
  };
}

export type HousingStore = ReturnType<typeof createHousingStore>;
