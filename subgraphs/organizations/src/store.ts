import { randomUUID } from 'node:crypto';
import type { Database, OnQuery } from '../../../lib/db';
import { isUniqueViolation, likeLiteral, searchGrams, scopedClient } from '../../../lib/db';
import { conflict, notFound } from '../../../lib/errors';
import { significantPrefix } from '../../../lib/auth';
import type { Page } from '../../../lib/graphql/connections';
import { PrismaClient, Prisma } from './generated/prisma/client';
import type { CreditList, InspectionResult, OrganizationKind, OrganizationStatus, PenaltyKind } from './generated/prisma/enums';
import type { ServiceCategory } from './generated/graphql';
import type { AnnualInspectionModel, AnnualReportModel, ListEntryModel, OrganizationModel, PenaltyModel, StatusChangeModel } from './models';
import { fromDateColumn, toDateColumn } from '../../../lib/dates';

/** The one module of this subgraph that touches Prisma. */

const ORGANIZATION_COLUMNS = {
  id: true,
  name: true,
  kind: true,
  creditCode: true,
  registrationArea: true,
  registrationDate: true,
  status: true,
  legalRepresentative: true,
  contactPhone: true,
  contactEmail: true,
  contactAddress: true,
  categories: true,
  grade: true,
  gradeAwardedOn: true,
  gradeValidUntil: true,
  staffCount: true,
  volunteerCount: true,
  incubator: true,
  incubatedSince: true,
  version: true,
  updatedAt: true,
} as const;

type OrganizationRow = Prisma.OrganizationGetPayload<{ select: typeof ORGANIZATION_COLUMNS }>;
type Transaction = Prisma.TransactionClient;

export const SERVICE_CATEGORIES: readonly ServiceCategory[] = [
  'ELDERLY_CARE',
  'CHILD_AND_YOUTH',
  'DISABILITY',
  'COMMUNITY_GOVERNANCE',
  'SOCIAL_WORK',
  'TRAINING_AND_EMPLOYMENT',
  'CULTURE_AND_SPORTS',
  'HEALTH',
  'LEGAL_AID',
  'POVERTY_RELIEF',
  'ENVIRONMENT',
  'VOLUNTEERING',
];

/** A grade counts from 3A up while it is valid: the supply that can take on bigger projects. */
const STRONG_GRADE = 3;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isOrganizationId(id: string): boolean {
  return UUID_PATTERN.test(id);
}

export interface OrganizationFilter {
  kind?: OrganizationKind;
  status?: OrganizationStatus;
  category?: ServiceCategory;
  servesArea?: string;
  /** 1–5; only grades still valid today count. */
  minGrade?: number;
  nameContains?: string;
}

export interface Actor {
  id: string;
  roles: readonly string[];
  org?: string;
  requestId: string;
}

export interface NewOrganization {
  name: string;
  kind: OrganizationKind;
  creditCode: string | null;
  registrationArea: string;
  registrationDate: string;
  legalRepresentative: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
  contactAddress: string | null;
  categories: ServiceCategory[];
  serviceAreaCodes: string[];
  staffCount: number;
  volunteerCount: number;
  incubator: string | null;
  incubatedSince: string | null;
}

export interface ProfileChanges {
  name?: string;
  legalRepresentative?: string | null;
  contactPhone?: string | null;
  contactEmail?: string | null;
  contactAddress?: string | null;
  categories?: ServiceCategory[];
  serviceAreaCodes?: string[];
  staffCount?: number;
  volunteerCount?: number;
  incubator?: string | null;
  incubatedSince?: string | null;
}

export interface GradeRecord {
  grade: number;
  awardedOn: string;
  validUntil: string;
}

export interface ReportFigures {
  totalIncome: string;
  governmentPurchaseIncome: string;
  expenditure: string;
}

export interface CategorySupplyRow {
  category: ServiceCategory;
  activeOrganizations: number;
  gradedThreeAOrBetter: number;
}

export interface NewListing {
  list: CreditList;
  listedOn: string;
  reason: string;
  authority: string;
  documentNumber: string;
}

export interface Removal {
  removedOn: string;
  documentNumber: string;
  reason: string | null;
}

export interface NewPenalty {
  decidedOn: string;
  authority: string;
  documentNumber: string;
  kind: PenaltyKind;
  penalty: string;
  reason: string;
  inForceFrom: string;
  inForceUntil: string;
}

export interface NewInspection {
  year: number;
  result: InspectionResult;
  concludedOn: string;
  authority: string;
}

/** The statuses a change may start from, decided by the caller against the current row. */
export type TransitionCheck = (current: OrganizationModel) => void;

// PostgreSQL reports a duplicate as P2002 through the pg adapter and as SQLSTATE 23505 through PGlite's.
function optionalDate(day: string | null | undefined): Date | null | undefined {
  return day === undefined || day === null ? day : toDateColumn(day);
}

function toOrganization(row: OrganizationRow): OrganizationModel {
  return {
    ...row,
    categories: row.categories as ServiceCategory[],
    registrationDate: fromDateColumn(row.registrationDate),
    gradeAwardedOn: fromDateColumn(row.gradeAwardedOn),
    gradeValidUntil: fromDateColumn(row.gradeValidUntil),
    incubatedSince: fromDateColumn(row.incubatedSince),
  };
}

function toReport(row: Prisma.AnnualReportGetPayload<object>): AnnualReportModel {
  return {
    organizationId: row.organizationId,
    year: row.year,
    totalIncome: row.totalIncome.toFixed(2),
    governmentPurchaseIncome: row.governmentPurchaseIncome.toFixed(2),
    expenditure: row.expenditure.toFixed(2),
    lockedAt: row.lockedAt,
    filedAt: row.filedAt,
    updatedAt: row.updatedAt,
  };
}

/** A list entry as stored, its state read for today until a standing reads it for another day. */
function toListEntry(row: Prisma.ListEntryGetPayload<object>, today: string): ListEntryModel {
  return {
    id: row.id,
    organizationId: row.organizationId,
    list: row.list,
    listedOn: fromDateColumn(row.listedOn),
    reason: row.reason,
    authority: row.authority,
    documentNumber: row.documentNumber,
    removedOn: fromDateColumn(row.removedOn),
    removalDocumentNumber: row.removalDocumentNumber,
    removalReason: row.removalReason,
    version: row.version,
    viewedOn: today,
  };
}

function toPenalty(row: Prisma.PenaltyGetPayload<object>): PenaltyModel {
  return {
    id: row.id,
    organizationId: row.organizationId,
    decidedOn: fromDateColumn(row.decidedOn),
    authority: row.authority,
    documentNumber: row.documentNumber,
    kind: row.kind,
    penalty: row.penalty,
    reason: row.reason,
    inForceFrom: fromDateColumn(row.inForceFrom),
    inForceUntil: fromDateColumn(row.inForceUntil),
  };
}

function toInspection(row: Prisma.AnnualInspectionGetPayload<object>): AnnualInspectionModel {
  return {
    organizationId: row.organizationId,
    year: row.year,
    result: row.result,
    concludedOn: fromDateColumn(row.concludedOn),
    authority: row.authority,
    version: row.version,
  };
}

function actorColumns(actor: Actor) {
  return { actor: actor.id, actorRoles: [...actor.roles], actorOrg: actor.org ?? null, requestId: actor.requestId };
}

function toStatusChange(row: Prisma.StatusChangeGetPayload<object>): StatusChangeModel {
  return {
    organizationId: row.organizationId,
    from: row.fromStatus,
    to: row.toStatus,
    reason: row.reason,
    actor: row.actor,
    actorRoles: row.actorRoles,
    actorOrganizationId: row.actorOrg,
    at: row.at,
  };
}

/**
 * The significant prefixes of every area above `code` (510107001000 → 51, 5101, 510107). A
 * service area with one of them covers the area; one starting with the area's own prefix lies
 * inside it. Both are equality or prefix matches on the indexed `prefix` column.
 */
export function enclosingPrefixes(code: string): string[] {
  const own = significantPrefix(code);
  return [2, 4, 6, 9].filter((length) => length < own.length).map((length) => own.slice(0, length));
}

function overlapping(code: string): Prisma.ServiceAreaWhereInput {
  const own = significantPrefix(code);
  return { OR: [{ prefix: { in: enclosingPrefixes(code) } }, { prefix: { startsWith: own } }] };
}

/** The day an instant falls on in the city's time zone, YYYY-MM-DD. */
function dayIn(timeZone: string, instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/** Today in the city's time zone, YYYY-MM-DD. */
function todayIn(timeZone: string): string {
  return dayIn(timeZone, new Date());
}

export function createOrganizationsStore(database: Database, onQuery: OnQuery | undefined, timeZone: string) {
  // Every transaction bounded by the request's deadline and guarded by its idempotency key (lib/db/scope.ts).
  const prisma = scopedClient(
    new PrismaClient({
      adapter: database.adapter,
      log: onQuery ? [{ emit: 'event', level: 'query' }] : [],
    }),
    'organizations',
  );
  if (onQuery) prisma.$on('query' as never, (event: Prisma.QueryEvent) => onQuery(event.query, event.params));

  const today = () => todayIn(timeZone);
  const dayOf = (instant: Date) => dayIn(timeZone, instant);

  function organizationWhere(filter: OrganizationFilter): Prisma.OrganizationWhereInput {
    const where: Prisma.OrganizationWhereInput = {};
    if (filter.kind) where.kind = filter.kind;
    if (filter.status) where.status = filter.status;
    if (filter.category) where.categories = { has: filter.category };
    if (filter.servesArea) where.serviceAreas = { some: overlapping(filter.servesArea) };
    if (filter.minGrade !== undefined) {
      where.grade = { gte: filter.minGrade };
      where.gradeValidUntil = { gte: toDateColumn(today()) };
    }
    const needle = filter.nameContains?.trim();
    if (needle) {
      // The GIN index on name_grams narrows the rows; LIKE checks the exact substring.
      where.nameGrams = { hasEvery: searchGrams(needle) };
      where.name = { contains: likeLiteral(needle), mode: 'insensitive' };
    }
    return where;
  }

  /** Reads the organisation, checks the expected version, applies `data` and bumps the version. */
  async function changeOrganization(
    tx: Transaction,
    id: string,
    expectedVersion: number,
    check: TransitionCheck,
    data: Prisma.OrganizationUpdateManyMutationInput,
  ): Promise<{ before: OrganizationModel; after: OrganizationModel }> {
    const row = isOrganizationId(id) ? await tx.organization.findUnique({ where: { id }, select: ORGANIZATION_COLUMNS }) : null;
    if (!row) throw notFound(`No organisation ${id} is registered.`);
    const before = toOrganization(row);
    if (expectedVersion !== before.version) {
      throw conflict(`Organisation ${id} was changed by someone else (now version ${before.version}); reload and retry.`, {
        field: 'input.expectedVersion',
        currentVersion: before.version,
      });
    }
    check(before);
    const { count } = await tx.organization.updateMany({
      where: { id, version: before.version },
      data: { ...data, version: { increment: 1 }, updatedAt: new Date() },
    });
    if (count !== 1) throw conflict(`Organisation ${id} was changed by someone else meanwhile; reload and retry.`);
    const after = toOrganization(await tx.organization.findUniqueOrThrow({ where: { id }, select: ORGANIZATION_COLUMNS }));
    return { before, after };
  }

  async function audit(
    tx: Transaction,
    event: { entityType: string; entityId: string; action: string; reason?: string; before?: object; after?: object },
    actor: Actor,
  ) {
    await tx.auditEvent.create({
      data: {
        entityType: event.entityType,
        entityId: event.entityId,
        action: event.action,
        actor: actor.id,
        reason: event.reason,
        requestId: actor.requestId,
        before: event.before as Prisma.InputJsonObject | undefined,
        after: event.after as Prisma.InputJsonObject | undefined,
      },
    });
  }

  return {
    today,
    dayOf,

    async organizationsById(ids: readonly string[]): Promise<OrganizationModel[]> {
      const valid = ids.filter(isOrganizationId);
      if (valid.length === 0) return [];
      const rows = await prisma.organization.findMany({ where: { id: { in: valid } }, select: ORGANIZATION_COLUMNS });
      return rows.map(toOrganization);
    },

    async organizationsByCreditCode(codes: readonly string[]): Promise<OrganizationModel[]> {
      const rows = await prisma.organization.findMany({ where: { creditCode: { in: [...codes] } }, select: ORGANIZATION_COLUMNS });
      return rows.map(toOrganization);
    },

    async serviceAreas(ids: readonly string[]): Promise<{ organizationId: string; areaCode: string }[]> {
      return prisma.serviceArea.findMany({
        where: { organizationId: { in: ids.filter(isOrganizationId) } },
        select: { organizationId: true, areaCode: true },
        orderBy: [{ organizationId: 'asc' }, { areaCode: 'asc' }],
      });
    },

    async statusChanges(ids: readonly string[]): Promise<StatusChangeModel[]> {
      const rows = await prisma.statusChange.findMany({
        where: { organizationId: { in: ids.filter(isOrganizationId) } },
        orderBy: [{ organizationId: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toStatusChange);
    },

    async annualReports(ids: readonly string[]): Promise<AnnualReportModel[]> {
      const rows = await prisma.annualReport.findMany({
        where: { organizationId: { in: ids.filter(isOrganizationId) } },
        orderBy: [{ organizationId: 'asc' }, { year: 'desc' }],
      });
      return rows.map(toReport);
    },

    async organizationPage(filter: OrganizationFilter, page: Page<(string | number)[]>): Promise<OrganizationModel[]> {
      const where = organizationWhere(filter);
      const after = page.after;
      const rows = await prisma.organization.findMany({
        where: after
          ? { AND: [where, { OR: [{ name: { gt: String(after[0]) } }, { name: String(after[0]), id: { gt: String(after[1]) } }] }] }
          : where,
        select: ORGANIZATION_COLUMNS,
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
        take: page.first + 1,
      });
      return rows.map(toOrganization);
    },

    async countOrganizations(filter: OrganizationFilter): Promise<number> {
      return prisma.organization.count({ where: organizationWhere(filter) });
    },

    /**
     * One page of the active organisations serving each community, for all the communities at
     * once: one statement, a LIMITed lateral subquery per community.
     */
    async communityOrganizationIds(communities: readonly string[], page: Page<(string | number)[]>): Promise<{ community: string; id: string }[]> {
      const after = page.after
        ? Prisma.sql`AND (o.name, o.id) > (${String(page.after[0])}, ${String(page.after[1])}::uuid)`
        : Prisma.empty;
      return prisma.$queryRaw<{ community: string; id: string }[]>`
        SELECT c.code AS community, o.id::text AS id
          FROM unnest(${[...communities]}::text[]) AS c(code)
          CROSS JOIN LATERAL (
            SELECT o.id, o.name
              FROM organizations.organization o
             WHERE o.status = 'ACTIVE'
               -- From the prefix index to the organisations, not every organisation tested.
               AND o.id IN (SELECT sa.organization_id FROM organizations.service_area sa
                             WHERE sa.prefix IN (substr(c.code, 1, 2), substr(c.code, 1, 4), substr(c.code, 1, 6), substr(c.code, 1, 9), c.code))
               ${after}
             ORDER BY o.name, o.id
             LIMIT ${page.first + 1}
          ) AS o
         ORDER BY c.code, o.name, o.id`;
    },

    /**
     * How many active organisations serve each community: one grouped statement, driven from
     * the service-area index by the community's five enclosing prefixes, so it reads the
     * matching rows only instead of pairing every community with every organisation.
     */
    async countCommunityOrganizations(communities: readonly string[]): Promise<{ community: string; count: number }[]> {
      return prisma.$queryRaw<{ community: string; count: number }[]>`
        SELECT c.code AS community, count(DISTINCT o.id)::int AS count
          FROM unnest(${[...communities]}::text[]) AS c(code)
          LEFT JOIN organizations.service_area sa
            ON sa.prefix IN (substr(c.code, 1, 2), substr(c.code, 1, 4), substr(c.code, 1, 6), substr(c.code, 1, 9), c.code)
          LEFT JOIN organizations.organization o
            ON o.id = sa.organization_id AND o.status = 'ACTIVE'
         GROUP BY c.code`;
    },

    /**
     * Per service category, the active organisations with a service area overlapping `within`
     * (covering it or inside it) and how many of them hold a current grade of 3A or better. One
     * aggregate statement; categories nobody serves come back as zeros.
     */
    async supplyByCategory(within: string): Promise<CategorySupplyRow[]> {
      const rows = await prisma.$queryRaw<{ category: ServiceCategory; active: number; strong: number }[]>`
        SELECT cat AS category,
               count(*)::int AS active,
               count(*) FILTER (WHERE o.grade >= ${STRONG_GRADE} AND o.grade_valid_until >= ${today()}::date)::int AS strong
          FROM organizations.organization o
          CROSS JOIN LATERAL unnest(o.categories) AS cat
         WHERE o.status = 'ACTIVE'
           AND EXISTS (SELECT 1 FROM organizations.service_area sa
                        WHERE sa.organization_id = o.id
                          AND (sa.prefix = ANY(${enclosingPrefixes(within)}::text[]) OR sa.prefix LIKE ${`${significantPrefix(within)}%`}))
         GROUP BY cat`;
      const byCategory = new Map(rows.map((row) => [row.category, row]));
      return SERVICE_CATEGORIES.map((category) => ({
        category,
        activeOrganizations: byCategory.get(category)?.active ?? 0,
        gradedThreeAOrBetter: byCategory.get(category)?.strong ?? 0,
      }));
    },

    /** Registers an organisation with its service areas, first status and audit event, all or nothing. */
    async registerOrganization(organization: NewOrganization, actor: Actor): Promise<OrganizationModel> {
      const id = randomUUID();
      const { serviceAreaCodes, ...fields } = organization;
      try {
        return await prisma.$transaction(async (tx) => {
          if (fields.creditCode && (await tx.organization.count({ where: { creditCode: fields.creditCode } })) > 0) {
            throw conflict(`Credit code ${fields.creditCode} is already registered.`, { field: 'input.creditCode' });
          }
          const created = await tx.organization.create({
            data: {
              ...fields,
              id,
              registrationDate: toDateColumn(fields.registrationDate),
              incubatedSince: optionalDate(fields.incubatedSince),
              serviceAreas: { create: serviceAreaCodes.map((areaCode) => ({ areaCode })) },
            },
            select: ORGANIZATION_COLUMNS,
          });
          await tx.statusChange.create({
            data: { organizationId: id, fromStatus: null, toStatus: 'ACTIVE', reason: 'Registered.', ...actorColumns(actor) },
          });
          await audit(tx, { entityType: 'Organization', entityId: id, action: 'REGISTER', after: organization }, actor);
          return toOrganization(created);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`Credit code ${fields.creditCode} is already registered.`, { field: 'input.creditCode' });
        throw error;
      }
    },

    async updateProfile(
      id: string,
      changes: ProfileChanges,
      expectedVersion: number,
      check: TransitionCheck,
      reason: string | undefined,
      actor: Actor,
    ): Promise<OrganizationModel> {
      const { serviceAreaCodes, ...fields } = changes;
      return prisma.$transaction(async (tx) => {
        const { before, after } = await changeOrganization(tx, id, expectedVersion, check, {
          ...fields,
          incubatedSince: optionalDate(fields.incubatedSince),
        });
        let previousAreas: string[] | undefined;
        if (serviceAreaCodes) {
          previousAreas = (await tx.serviceArea.findMany({ where: { organizationId: id }, select: { areaCode: true }, orderBy: { areaCode: 'asc' } })).map(
            (area) => area.areaCode,
          );
          await tx.serviceArea.deleteMany({ where: { organizationId: id } });
          await tx.serviceArea.createMany({ data: serviceAreaCodes.map((areaCode) => ({ organizationId: id, areaCode })) });
        }
        const previous = Object.fromEntries(Object.keys(fields).map((key) => [key, before[key as keyof OrganizationModel]]));
        await audit(
          tx,
          {
            entityType: 'Organization',
            entityId: id,
            action: 'UPDATE_PROFILE',
            reason,
            before: previousAreas ? { ...previous, serviceAreaCodes: previousAreas } : previous,
            after: changes,
          },
          actor,
        );
        return after;
      });
    },

    /** Moves the organisation to `to` if `check` allows it, with a status-history row and an audit event. */
    async changeStatus(
      id: string,
      to: OrganizationStatus,
      reason: string,
      expectedVersion: number,
      check: TransitionCheck,
      actor: Actor,
    ): Promise<{ organization: OrganizationModel; change: StatusChangeModel }> {
      return prisma.$transaction(async (tx) => {
        const { before, after } = await changeOrganization(tx, id, expectedVersion, check, { status: to });
        const change = await tx.statusChange.create({
          data: { organizationId: id, fromStatus: before.status, toStatus: to, reason, ...actorColumns(actor) },
        });
        await audit(
          tx,
          { entityType: 'Organization', entityId: id, action: 'CHANGE_STATUS', reason, before: { status: before.status }, after: { status: to } },
          actor,
        );
        return { organization: after, change: toStatusChange(change) };
      });
    },

    async recordGrade(
      id: string,
      record: GradeRecord,
      expectedVersion: number,
      check: TransitionCheck,
      actor: Actor,
    ): Promise<OrganizationModel> {
      return prisma.$transaction(async (tx) => {
        const { before, after } = await changeOrganization(tx, id, expectedVersion, check, {
          grade: record.grade,
          gradeAwardedOn: toDateColumn(record.awardedOn),
          gradeValidUntil: toDateColumn(record.validUntil),
        });
        await audit(
          tx,
          {
            entityType: 'Organization',
            entityId: id,
            action: 'RECORD_GRADE',
            before: { grade: before.grade, awardedOn: before.gradeAwardedOn, validUntil: before.gradeValidUntil },
            after: { ...record },
          },
          actor,
        );
        return after;
      });
    },

    /** Files the year's report, or corrects it while it is unlocked. */
    async fileAnnualReport(organizationId: string, year: number, figures: ReportFigures, actor: Actor): Promise<AnnualReportModel> {
      try {
        return await prisma.$transaction(async (tx) => {
          const key = { organizationId_year: { organizationId, year } };
          const existing = await tx.annualReport.findUnique({ where: key });
          if (existing?.lockedAt) {
            throw conflict(`The ${year} annual report is locked by the registering authority and can no longer be corrected.`, {
              field: 'input.year',
            });
          }
          if (existing) {
            const { count } = await tx.annualReport.updateMany({
              where: { organizationId, year, version: existing.version, lockedAt: null },
              data: { ...figures, filedBy: actor.id, updatedAt: new Date(), version: { increment: 1 } },
            });
            if (count !== 1) throw conflict(`The ${year} annual report was changed meanwhile; reload and retry.`, { field: 'input.year' });
          } else {
            await tx.annualReport.create({ data: { organizationId, year, ...figures, filedBy: actor.id } });
          }
          const report = await tx.annualReport.findUniqueOrThrow({ where: key });
          await audit(
            tx,
            {
              entityType: 'AnnualReport',
              entityId: `${organizationId}/${year}`,
              action: existing ? 'CORRECT' : 'FILE',
              before: existing ? toReport(existing) : undefined,
              after: { ...figures },
            },
            actor,
          );
          return toReport(report);
        });
      } catch (error) {
        // Two first filings for the same year at once: the second finds the first's row.
        if (isUniqueViolation(error)) throw conflict(`The ${year} annual report was filed meanwhile; reload and retry.`, { field: 'input.year' });
        throw error;
      }
    },

    async lockAnnualReport(organizationId: string, year: number, actor: Actor): Promise<AnnualReportModel> {
      return prisma.$transaction(async (tx) => {
        const key = { organizationId_year: { organizationId, year } };
        const existing = await tx.annualReport.findUnique({ where: key });
        if (!existing) throw notFound(`Organisation ${organizationId} has filed no ${year} annual report.`);
        if (existing.lockedAt) throw conflict(`The ${year} annual report is already locked.`, { field: 'input.year' });
        const { count } = await tx.annualReport.updateMany({
          where: { organizationId, year, version: existing.version },
          data: { lockedAt: new Date(), lockedBy: actor.id, version: { increment: 1 } },
        });
        if (count !== 1) throw conflict(`The ${year} annual report was changed meanwhile; reload and retry.`, { field: 'input.year' });
        const report = await tx.annualReport.findUniqueOrThrow({ where: key });
        await audit(tx, { entityType: 'AnnualReport', entityId: `${organizationId}/${year}`, action: 'LOCK' }, actor);
        return toReport(report);
      });
    },

    async listEntries(ids: readonly string[]): Promise<ListEntryModel[]> {
      const day = today();
      const rows = await prisma.listEntry.findMany({
        where: { organizationId: { in: ids.filter(isOrganizationId) } },
        orderBy: [{ organizationId: 'asc' }, { listedOn: 'asc' }, { id: 'asc' }],
      });
      return rows.map((row) => toListEntry(row, day));
    },

    async listEntriesById(ids: readonly string[]): Promise<ListEntryModel[]> {
      const day = today();
      const rows = await prisma.listEntry.findMany({ where: { id: { in: ids.filter(isOrganizationId) } } });
      return rows.map((row) => toListEntry(row, day));
    },

    async penalties(ids: readonly string[]): Promise<PenaltyModel[]> {
      const rows = await prisma.penalty.findMany({
        where: { organizationId: { in: ids.filter(isOrganizationId) } },
        orderBy: [{ organizationId: 'asc' }, { decidedOn: 'desc' }, { id: 'asc' }],
      });
      return rows.map(toPenalty);
    },

    async annualInspections(ids: readonly string[]): Promise<AnnualInspectionModel[]> {
      const rows = await prisma.annualInspection.findMany({
        where: { organizationId: { in: ids.filter(isOrganizationId) } },
        orderBy: [{ organizationId: 'asc' }, { year: 'desc' }],
      });
      return rows.map(toInspection);
    },

    /**
     * Lists the organisation. One open entry per list (ALREADY_ON_LIST): checked here to name the
     * open entry, and by the partial unique index when two listings race.
     */
    async recordListing(organizationId: string, listing: NewListing, actor: Actor): Promise<ListEntryModel> {
      const alreadyListed = (detail: string) =>
        conflict(`Organisation ${organizationId} is already on the ${listing.list} list${detail}; record its removal before listing it again.`, {
          field: 'input.list',
          rule: 'ALREADY_ON_LIST',
        });
      try {
        return await prisma.$transaction(async (tx) => {
          const open = await tx.listEntry.findFirst({ where: { organizationId, list: listing.list, removedOn: null } });
          if (open) throw alreadyListed(` (entry ${open.id}, listed on ${fromDateColumn(open.listedOn)})`);
          const created = await tx.listEntry.create({
            data: { id: randomUUID(), organizationId, ...listing, listedOn: toDateColumn(listing.listedOn), recordedBy: actor.id },
          });
          await audit(tx, { entityType: 'ListEntry', entityId: created.id, action: 'LIST', reason: listing.reason, after: { organizationId, ...listing } }, actor);
          return toListEntry(created, today());
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw alreadyListed('');
        throw error;
      }
    },

    /**
     * Records the entry's removal if `check` allows it against the row read in the transaction;
     * the update is guarded by the version and by the entry still being open.
     */
    async recordRemoval(
      entryId: string,
      expectedVersion: number,
      removal: Removal,
      check: (entry: ListEntryModel) => void,
      actor: Actor,
    ): Promise<ListEntryModel> {
      return prisma.$transaction(async (tx) => {
        const row = isOrganizationId(entryId) ? await tx.listEntry.findUnique({ where: { id: entryId } }) : null;
        if (!row) throw notFound(`No list entry ${entryId} is recorded.`);
        const before = toListEntry(row, today());
        if (expectedVersion !== before.version) {
          throw conflict(`List entry ${entryId} was changed by someone else (now version ${before.version}); reload and retry.`, {
            field: 'input.expectedVersion',
            rule: 'EXPECTED_VERSION',
            currentVersion: before.version,
          });
        }
        check(before);
        const { count } = await tx.listEntry.updateMany({
          where: { id: entryId, version: before.version, removedOn: null },
          data: {
            removedOn: toDateColumn(removal.removedOn),
            removalDocumentNumber: removal.documentNumber,
            removalReason: removal.reason,
            removedBy: actor.id,
            removalRecordedAt: new Date(),
            version: { increment: 1 },
          },
        });
        if (count !== 1) throw conflict(`List entry ${entryId} was changed by someone else meanwhile; reload and retry.`, { field: 'input.expectedVersion', rule: 'EXPECTED_VERSION' });
        const after = toListEntry(await tx.listEntry.findUniqueOrThrow({ where: { id: entryId } }), today());
        await audit(
          tx,
          {
            entityType: 'ListEntry',
            entityId: entryId,
            action: 'REMOVE',
            reason: removal.reason ?? undefined,
            before: { removedOn: null },
            after: { removedOn: removal.removedOn, documentNumber: removal.documentNumber },
          },
          actor,
        );
        return after;
      });
    },

    /** Records a penalty decision; the same authority's document number is recorded once (PENALTY_ALREADY_RECORDED). */
    async recordPenalty(organizationId: string, penalty: NewPenalty, actor: Actor): Promise<PenaltyModel> {
      try {
        return await prisma.$transaction(async (tx) => {
          const created = await tx.penalty.create({
            data: {
              id: randomUUID(),
              organizationId,
              ...penalty,
              decidedOn: toDateColumn(penalty.decidedOn),
              inForceFrom: toDateColumn(penalty.inForceFrom),
              inForceUntil: toDateColumn(penalty.inForceUntil),
              recordedBy: actor.id,
            },
          });
          await audit(tx, { entityType: 'Penalty', entityId: created.id, action: 'RECORD_PENALTY', reason: penalty.reason, after: { organizationId, ...penalty } }, actor);
          return toPenalty(created);
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw conflict(`${penalty.authority} decision ${penalty.documentNumber} is already recorded.`, { field: 'input.documentNumber', rule: 'PENALTY_ALREADY_RECORDED' });
        }
        throw error;
      }
    },

    /**
     * Records a year's inspection result, or corrects it: a year already recorded needs the
     * expected version (INSPECTION_ALREADY_RECORDED without it), a first record must not claim one.
     */
    async recordInspection(organizationId: string, inspection: NewInspection, expectedVersion: number | undefined, actor: Actor): Promise<AnnualInspectionModel> {
      const key = { organizationId_year: { organizationId, year: inspection.year } };
      const data = { result: inspection.result, concludedOn: toDateColumn(inspection.concludedOn), authority: inspection.authority, recordedBy: actor.id };
      try {
        return await prisma.$transaction(async (tx) => {
          const existing = await tx.annualInspection.findUnique({ where: key });
          if (existing && expectedVersion === undefined) {
            throw conflict(`The ${inspection.year} inspection of ${organizationId} is already recorded (version ${existing.version}); pass expectedVersion to correct it.`, {
              field: 'input.expectedVersion',
              rule: 'INSPECTION_ALREADY_RECORDED',
              currentVersion: existing.version,
            });
          }
          if (!existing && expectedVersion !== undefined) {
            throw conflict(`No ${inspection.year} inspection of ${organizationId} is recorded yet; leave out expectedVersion.`, { field: 'input.expectedVersion', rule: 'EXPECTED_VERSION' });
          }
          if (existing) {
            const { count } = await tx.annualInspection.updateMany({
              where: { organizationId, year: inspection.year, version: expectedVersion },
              data: { ...data, recordedAt: new Date(), version: { increment: 1 } },
            });
            if (count !== 1) {
              throw conflict(`The ${inspection.year} inspection was changed by someone else (now version ${existing.version}); reload and retry.`, {
                field: 'input.expectedVersion',
                rule: 'EXPECTED_VERSION',
                currentVersion: existing.version,
              });
            }
          } else {
            await tx.annualInspection.create({ data: { organizationId, year: inspection.year, ...data } });
          }
          const recorded = toInspection(await tx.annualInspection.findUniqueOrThrow({ where: key }));
          await audit(
            tx,
            {
              entityType: 'AnnualInspection',
              entityId: `${organizationId}/${inspection.year}`,
              action: existing ? 'CORRECT_INSPECTION' : 'RECORD_INSPECTION',
              before: existing ? toInspection(existing) : undefined,
              after: { ...inspection },
            },
            actor,
          );
          return recorded;
        });
      } catch (error) {
        // Two first records of the same year at once: the second finds the first's row.
        if (isUniqueViolation(error)) {
          throw conflict(`The ${inspection.year} inspection was recorded meanwhile; reload and retry.`, { field: 'input.year', rule: 'INSPECTION_ALREADY_RECORDED' });
        }
        throw error;
      }
    },

    /** Audit trail of one entity, newest first (tests and support staff read it). */
    async auditTrail(entityType: string, entityId: string) {
      return prisma.auditEvent.findMany({ where: { entityType, entityId }, orderBy: { id: 'desc' } });
    },

    close: () => prisma.$disconnect(),
  };
}

export type OrganizationsStore = ReturnType<typeof createOrganizationsStore>;
