import { randomUUID } from 'node:crypto';
import { codesWithPrefix, significantPrefix } from '../../../lib/auth';
import type { Database, OnQuery } from '../../../lib/db';
import { isUniqueViolation, scopedClient } from '../../../lib/db';
import { conflict, notFound } from '../../../lib/errors';
import type { Page } from '../../../lib/graphql/connections';
import { fromFen, toFen } from '../../../lib/money';
import { PrismaClient, Prisma } from './generated/prisma/client';
import type { AwardCriteria, ContractStatus, ProjectStatus, TenderMethod, TenderStatus } from './generated/prisma/enums';
import type { OrganizationKind, PerformanceGrade, ServiceCategory, StatisticsGrouping } from './generated/graphql';
import type {
  BidModel,
  BudgetLineModel,
  CatalogueItemModel,
  ContractModel,
  MilestoneModel,
  ObjectionModel,
  PaymentModel,
  PerformanceEvaluationModel,
  ProcurementEventModel,
  ProcurementStatisticsRowModel,
  ProcurementProjectModel,
  SupplementaryAgreementModel,
  TenderModel,
} from './models';
import { createRedFlagStore } from './red-flags/store';
import { isUuid, ruleBroken } from './rules';

/** The one module of this subgraph that touches Prisma. */

type Transaction = Prisma.TransactionClient;
type Key = (string | number)[];

export interface Actor {
  id: string;
  org: string | undefined;
  requestId: string;
}

/** A party as verified against the registry when it joined (kept for the record and OCDS). */
export interface PartySnapshot {
  id: string;
  name: string;
  creditCode: string | null;
}

export interface NewProject {
  title: string;
  purchaser: PartySnapshot;
  areaCode: string;
  communityCodes: string[];
  catalogueCode: string;
  budgetLineId: string;
  serviceContent: string;
  budget: string;
  termMonths: number;
  termJustification: string | undefined;
  targets: { indicator: string; targetValue: string }[];
}

export interface NewTender {
  projectId: string;
  method: TenderMethod;
  methodChangeReason: string | undefined;
  awardCriteria: AwardCriteria;
  eligibleKinds: OrganizationKind[];
  minGrade: number | undefined;
  invitedIds: string[];
  opensAt: Date;
  closesAt: Date;
}

export interface ContractFilter {
  status?: ContractStatus[];
  purchaser?: string;
  supplier?: string;
  within: string;
  expiringBefore?: string;
  hasOverdueMilestones?: boolean;
}

export interface TenderCandidate {
  tender: TenderModel;
  category: ServiceCategory;
  /** The project's purchaser, who may not bid on its own tender. */
  purchaserId: string;
  bidCount: number;
}

const dec = (value: Prisma.Decimal | string | number) => (typeof value === 'object' ? value.toFixed(2) : new Prisma.Decimal(value).toFixed(2));
const day = (date: Date) => date.toISOString().slice(0, 10);
const optionalDay = (date: Date | null) => (date ? day(date) : null);
const toDate = (value: string) => new Date(`${value}T00:00:00Z`);

const TENDER_SELECT = {
  id: true,
  projectId: true,
  method: true,
  methodChangeReason: true,
  awardCriteria: true,
  eligibleKinds: true,
  minGrade: true,
  invitedIds: true,
  publishedAt: true,
  opensAt: true,
  closesAt: true,
  status: true,
  awardedBidId: true,
  awardAmount: true,
  awardNoticeDate: true,
  awardedAt: true,
  objectionDeadline: true,
  version: true,
  project: { select: { areaCode: true, category: true } },
} as const;
type TenderRow = Prisma.TenderGetPayload<{ select: typeof TENDER_SELECT }>;

function toTender(row: TenderRow): TenderModel {
  return {
    id: row.id,
    projectId: row.projectId,
    areaCode: row.project.areaCode,
    method: row.method,
    methodChangeReason: row.methodChangeReason,
    awardCriteria: row.awardCriteria,
    eligibleKinds: row.eligibleKinds as OrganizationKind[],
    minGrade: row.minGrade,
    invitedIds: row.invitedIds,
    publishedAt: row.publishedAt,
    opensAt: row.opensAt,
    closesAt: row.closesAt,
    status: row.status,
    awardedBidId: row.awardedBidId,
    awardAmount: row.awardAmount ? dec(row.awardAmount) : null,
    awardNoticeDate: optionalDay(row.awardNoticeDate),
    awardedAt: row.awardedAt,
    objectionDeadline: optionalDay(row.objectionDeadline),
    version: row.version,
  };
}

function toProject(row: Prisma.ProjectGetPayload<object>): ProcurementProjectModel {
  return {
    id: row.id,
    title: row.title,
    purchaserId: row.purchaserId,
    purchaserName: row.purchaserName,
    purchaserCreditCode: row.purchaserCreditCode,
    areaCode: row.areaCode,
    catalogueCode: row.catalogueCode,
    category: row.category as ServiceCategory,
    budgetLineId: row.budgetLineId,
    serviceContent: row.serviceContent,
    budget: dec(row.budget),
    termMonths: row.termMonths,
    termJustification: row.termJustification,
    status: row.status,
    version: row.version,
    createdAt: row.createdAt,
  };
}

function toBid(row: Prisma.BidGetPayload<object>): BidModel {
  return { ...row, price: dec(row.price), score: row.score ? dec(row.score) : null };
}

function toContract(row: Prisma.ContractGetPayload<object>): ContractModel {
  return {
    id: row.id,
    projectId: row.projectId,
    tenderId: row.tenderId,
    supplierId: row.supplierId,
    purchaserId: row.purchaserId,
    areaCode: row.areaCode,
    category: row.category as ServiceCategory,
    title: row.title,
    originalValue: dec(row.originalValue),
    supplementaryTotal: dec(row.supplementaryTotal),
    value: dec(row.value),
    paid: dec(row.paid),
    startsOn: day(row.startsOn),
    endsOn: day(row.endsOn),
    signedOn: optionalDay(row.signedOn),
    status: row.status,
    terminationReason: row.terminationReason,
    version: row.version,
  };
}

function toMilestone(row: Prisma.MilestoneGetPayload<object>): MilestoneModel {
  return { ...row, dueOn: day(row.dueOn), completedOn: optionalDay(row.completedOn) };
}

function toEvaluation(row: Prisma.PerformanceEvaluationGetPayload<object>): PerformanceEvaluationModel {
  return {
    id: row.id,
    contractId: row.contractId,
    supplierId: row.supplierId,
    evaluatorId: row.evaluatorId,
    evaluatorName: row.evaluatorName,
    status: row.status,
    scores: row.scores as { indicator: string; score: number }[],
    residentSatisfaction: row.satisfaction ? Number(row.satisfaction) : null,
    overallScore: row.overallScore ? Number(row.overallScore) : null,
    grade: row.grade as PerformanceGrade | null,
    completedAt: row.completedAt,
  };
}

/** Rows after a (text, uuid) or (date, uuid) cursor key, as Prisma filters. */
function afterKey<W>(after: Key | undefined, make: (first: string | number, id: string) => W): W | undefined {
  return after ? make(after[0]!, String(after[1])) : undefined;
}

export function createProcurementStore(database: Database, onQuery: OnQuery | undefined) {
  // Every transaction bounded by the request's deadline and guarded by its idempotency key (lib/db/scope.ts).
  const prisma = scopedClient(new PrismaClient({ adapter: database.adapter, log: onQuery ? [{ emit: 'event', level: 'query' }] : [] }), 'procurement');
  if (onQuery) prisma.$on('query' as never, (event: Prisma.QueryEvent) => onQuery(event.query, event.params));

  async function audit(tx: Transaction, entityType: string, entityId: string, action: string, actor: Actor, after?: object, reason?: string) {
    await tx.auditEvent.create({
      data: { entityType, entityId, action, actor: actor.id, actorOrg: actor.org, reason, requestId: actor.requestId, after: after as Prisma.InputJsonObject | undefined },
    });
  }

  async function lockedTender(tx: Transaction, id: string): Promise<TenderModel> {
    // FOR UPDATE: bids, evaluation and objections on one tender are decided one at a time.
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM procurement.tender WHERE id = ${id}::uuid FOR UPDATE`;
    if (locked.length === 0) throw notFound(`No tender ${id}.`);
    return toTender(await tx.tender.findUniqueOrThrow({ where: { id }, select: TENDER_SELECT }));
  }

  async function lockedContract(tx: Transaction, id: string): Promise<ContractModel> {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM procurement.contract WHERE id = ${id}::uuid FOR UPDATE`;
    if (locked.length === 0) throw notFound(`No contract ${id}.`);
    return toContract(await tx.contract.findUniqueOrThrow({ where: { id } }));
  }

  function contractWhere(filter: ContractFilter, today: string): Prisma.ContractWhereInput {
    const where: Prisma.ContractWhereInput = { areaCode: codesWithPrefix(significantPrefix(filter.within)) };
    if (filter.status?.length) where.status = { in: filter.status };
    if (filter.purchaser) where.purchaserId = filter.purchaser;
    if (filter.supplier) where.supplierId = filter.supplier;
    if (filter.expiringBefore) where.endsOn = { lte: toDate(filter.expiringBefore) };
    const overdue: Prisma.MilestoneListRelationFilter = { some: { completedOn: null, dueOn: { lt: toDate(today) } } };
    if (filter.hasOverdueMilestones === true) where.AND = [{ status: 'ACTIVE' }, { milestones: overdue }];
    if (filter.hasOverdueMilestones === false) where.NOT = { status: 'ACTIVE', milestones: overdue };
    return where;
  }

  function overdueWhere(within: string, today: string): Prisma.MilestoneWhereInput {
    return { completedOn: null, dueOn: { lt: toDate(today) }, contract: { status: 'ACTIVE', areaCode: codesWithPrefix(significantPrefix(within)) } };
  }

  return {
    /** What red flags are computed from (red-flags/store.ts). */
    redFlags: createRedFlagStore(prisma),

    // ---- reads -------------------------------------------------------------------------

    async catalogue(): Promise<CatalogueItemModel[]> {
      return (await prisma.catalogueItem.findMany({ orderBy: { code: 'asc' } })) as CatalogueItemModel[];
    },

    async catalogueItems(codes: readonly string[]): Promise<CatalogueItemModel[]> {
      return (await prisma.catalogueItem.findMany({ where: { code: { in: [...codes] } } })) as CatalogueItemModel[];
    },

    async budgetLinesById(ids: readonly string[]): Promise<BudgetLineModel[]> {
      const rows = await prisma.budgetLine.findMany({ where: { id: { in: ids.filter(isUuid) } } });
      return rows.map((row) => ({ ...row, amount: dec(row.amount), committed: dec(row.committed) }));
    },

    async budgetLines(within: string, year: number): Promise<BudgetLineModel[]> {
      const rows = await prisma.budgetLine.findMany({
        where: { areaCode: codesWithPrefix(significantPrefix(within)), year },
        orderBy: [{ areaCode: 'asc' }, { name: 'asc' }, { id: 'asc' }],
      });
      return rows.map((row) => ({ ...row, amount: dec(row.amount), committed: dec(row.committed) }));
    },

    async projectsById(ids: readonly string[]): Promise<ProcurementProjectModel[]> {
      return (await prisma.project.findMany({ where: { id: { in: ids.filter(isUuid) } } })).map(toProject);
    },

    async projectPage(within: string, status: ProjectStatus | undefined, page: Page<Key>): Promise<ProcurementProjectModel[]> {
      const where: Prisma.ProjectWhereInput = { areaCode: codesWithPrefix(significantPrefix(within)), ...(status ? { status } : {}) };
      const after = afterKey(page.after, (_, id) => ({ id: { gt: id } }));
      const rows = await prisma.project.findMany({ where: after ? { AND: [where, after] } : where, orderBy: { id: 'asc' }, take: page.first + 1 });
      return rows.map(toProject);
    },

    countProjects(within: string, status: ProjectStatus | undefined): Promise<number> {
      return prisma.project.count({ where: { areaCode: codesWithPrefix(significantPrefix(within)), ...(status ? { status } : {}) } });
    },

    async projectCommunities(ids: readonly string[]) {
      return prisma.projectCommunity.findMany({ where: { projectId: { in: [...ids] } }, orderBy: [{ projectId: 'asc' }, { communityCode: 'asc' }] });
    },

    async projectTargets(ids: readonly string[]) {
      return prisma.performanceTarget.findMany({ where: { projectId: { in: [...ids] } }, orderBy: [{ projectId: 'asc' }, { position: 'asc' }] });
    },

    /** One page of project ids per community, for all the communities at once (one statement). */
    async communityProjectIds(codes: readonly string[], page: Page<Key>): Promise<{ community: string; id: string }[]> {
      const after = page.after ? Prisma.sql`AND pc.project_id > ${String(page.after[1] ?? page.after[0])}::uuid` : Prisma.empty;
      return prisma.$queryRaw<{ community: string; id: string }[]>`
        SELECT c.code AS community, p.id::text AS id
          FROM unnest(${[...codes]}::text[]) AS c(code)
          CROSS JOIN LATERAL (
            SELECT pc.project_id AS id FROM procurement.project_community pc
             WHERE pc.community_code = c.code::bpchar ${after}
             ORDER BY pc.project_id LIMIT ${page.first + 1}
          ) AS p
         ORDER BY c.code, p.id`;
    },

    async countCommunityProjects(codes: readonly string[]): Promise<{ community: string; count: number }[]> {
      return prisma.$queryRaw<{ community: string; count: number }[]>`
        SELECT community_code AS community, count(*)::int AS count FROM procurement.project_community
         WHERE community_code = ANY(${[...codes]}::bpchar[]) GROUP BY community_code`;
    },

    async tendersById(ids: readonly string[]): Promise<TenderModel[]> {
      return (await prisma.tender.findMany({ where: { id: { in: ids.filter(isUuid) } }, select: TENDER_SELECT })).map(toTender);
    },

    async tendersByProject(projectIds: readonly string[]): Promise<TenderModel[]> {
      const rows = await prisma.tender.findMany({
        where: { projectId: { in: [...projectIds] } },
        select: TENDER_SELECT,
        orderBy: [{ projectId: 'asc' }, { publishedAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toTender);
    },

    async bidsById(ids: readonly string[]): Promise<BidModel[]> {
      return (await prisma.bid.findMany({ where: { id: { in: ids.filter(isUuid) } } })).map(toBid);
    },

    async bidsByTender(tenderIds: readonly string[]): Promise<BidModel[]> {
      const rows = await prisma.bid.findMany({ where: { tenderId: { in: [...tenderIds] } }, orderBy: [{ tenderId: 'asc' }, { submittedAt: 'asc' }, { id: 'asc' }] });
      return rows.map(toBid);
    },

    async liveBidCounts(tenderIds: readonly string[]): Promise<{ tenderId: string; count: number }[]> {
      const rows = await prisma.bid.groupBy({ by: ['tenderId'], where: { tenderId: { in: [...tenderIds] }, withdrawnAt: null }, _count: { _all: true } });
      return rows.map((row) => ({ tenderId: row.tenderId, count: row._count._all }));
    },

    /**
     * One page of bids per organisation, for every organisation asked at once: one statement,
     * a LIMITed lateral subquery each, so a page of organisations with their bids stays flat.
     */
    async organizationBidIds(organizationIds: readonly string[], page: Page<Key>): Promise<{ organizationId: string; id: string }[]> {
      const after = page.after ? Prisma.sql`AND b.id > ${String(page.after[1])}::uuid` : Prisma.empty;
      return prisma.$queryRaw<{ organizationId: string; id: string }[]>`
        SELECT o.id AS "organizationId", b.id::text AS id
          FROM unnest(${organizationIds.filter(isUuid)}::uuid[]) AS o(id)
          CROSS JOIN LATERAL (
            SELECT b.id FROM procurement.bid b
             WHERE b.organization_id = o.id ${after}
             ORDER BY b.id LIMIT ${page.first + 1}
          ) AS b
         ORDER BY o.id, b.id`;
    },

    async countOrganizationBids(organizationIds: readonly string[]): Promise<{ organizationId: string; count: number }[]> {
      return prisma.$queryRaw<{ organizationId: string; count: number }[]>`
        SELECT organization_id::text AS "organizationId", count(*)::int AS count FROM procurement.bid
         WHERE organization_id = ANY(${organizationIds.filter(isUuid)}::uuid[]) GROUP BY organization_id`;
    },

    async objectionsByTender(tenderIds: readonly string[]): Promise<ObjectionModel[]> {
      return prisma.objection.findMany({ where: { tenderId: { in: [...tenderIds] } }, orderBy: [{ tenderId: 'asc' }, { filedAt: 'asc' }] });
    },

    async contractsById(ids: readonly string[]): Promise<ContractModel[]> {
      return (await prisma.contract.findMany({ where: { id: { in: ids.filter(isUuid) } } })).map(toContract);
    },

    async contractsByProject(projectIds: readonly string[]): Promise<ContractModel[]> {
      return (await prisma.contract.findMany({ where: { projectId: { in: [...projectIds] } } })).map(toContract);
    },

    /** The officers' contract list, ordered by end date then id: one statement whatever the page size. */
    async contractPage(filter: ContractFilter, today: string, page: Page<Key>): Promise<ContractModel[]> {
      const where = contractWhere(filter, today);
      const after = afterKey(page.after, (endsOn, id) => ({
        OR: [{ endsOn: { gt: toDate(String(endsOn)) } }, { endsOn: toDate(String(endsOn)), id: { gt: id } }],
      }));
      const rows = await prisma.contract.findMany({
        where: after ? { AND: [where, after] } : where,
        orderBy: [{ endsOn: 'asc' }, { id: 'asc' }],
        take: page.first + 1,
      });
      return rows.map(toContract);
    },

    countContracts: (filter: ContractFilter, today: string) => prisma.contract.count({ where: contractWhere(filter, today) }),

    /** One page of contracts per supplier (by end date, then id), for every supplier asked at once: one statement. */
    async supplierContractIds(supplierIds: readonly string[], page: Page<Key>): Promise<{ supplierId: string; id: string }[]> {
      const after = page.after
        ? Prisma.sql`AND (c.ends_on, c.id) > (${String(page.after[0])}::date, ${String(page.after[1])}::uuid)`
        : Prisma.empty;
      return prisma.$queryRaw<{ supplierId: string; id: string }[]>`
        SELECT s.id::text AS "supplierId", c.id::text AS id
          FROM unnest(${supplierIds.filter(isUuid)}::uuid[]) AS s(id)
          CROSS JOIN LATERAL (
            SELECT c.id, c.ends_on FROM procurement.contract c
             WHERE c.supplier_id = s.id ${after}
             ORDER BY c.ends_on, c.id LIMIT ${page.first + 1}
          ) AS c
         ORDER BY s.id, c.ends_on, c.id`;
    },

    async countSupplierContracts(supplierIds: readonly string[]): Promise<{ supplierId: string; count: number }[]> {
      return prisma.$queryRaw<{ supplierId: string; count: number }[]>`
        SELECT supplier_id::text AS "supplierId", count(*)::int AS count FROM procurement.contract
         WHERE supplier_id = ANY(${supplierIds.filter(isUuid)}::uuid[]) GROUP BY supplier_id`;
    },

    async milestonesById(ids: readonly string[]): Promise<MilestoneModel[]> {
      return (await prisma.milestone.findMany({ where: { id: { in: ids.filter(isUuid) } } })).map(toMilestone);
    },

    async milestonesByContract(contractIds: readonly string[]): Promise<MilestoneModel[]> {
      const rows = await prisma.milestone.findMany({ where: { contractId: { in: [...contractIds] } }, orderBy: [{ contractId: 'asc' }, { dueOn: 'asc' }, { id: 'asc' }] });
      return rows.map(toMilestone);
    },

    async overdueMilestonePage(within: string, today: string, page: Page<Key>): Promise<MilestoneModel[]> {
      const where = overdueWhere(within, today);
      const after = afterKey(page.after, (dueOn, id) => ({
        OR: [{ dueOn: { gt: toDate(String(dueOn)) } }, { dueOn: toDate(String(dueOn)), id: { gt: id } }],
      }));
      const rows = await prisma.milestone.findMany({ where: after ? { AND: [where, after] } : where, orderBy: [{ dueOn: 'asc' }, { id: 'asc' }], take: page.first + 1 });
      return rows.map(toMilestone);
    },

    countOverdueMilestones: (within: string, today: string) => prisma.milestone.count({ where: overdueWhere(within, today) }),

    async paymentsByContract(contractIds: readonly string[]): Promise<PaymentModel[]> {
      const rows = await prisma.payment.findMany({ where: { contractId: { in: [...contractIds] } }, orderBy: [{ contractId: 'asc' }, { paidOn: 'asc' }, { id: 'asc' }] });
      return rows.map((row) => ({ id: row.id, contractId: row.contractId, milestoneId: row.milestoneId, amount: dec(row.amount), paidOn: day(row.paidOn) }));
    },

    async supplementsByContract(contractIds: readonly string[]): Promise<SupplementaryAgreementModel[]> {
      const rows = await prisma.supplementaryAgreement.findMany({ where: { contractId: { in: [...contractIds] } }, orderBy: [{ contractId: 'asc' }, { signedOn: 'asc' }] });
      return rows.map((row) => ({ ...row, amount: dec(row.amount), signedOn: day(row.signedOn) }));
    },

    async evaluationsById(ids: readonly string[]): Promise<PerformanceEvaluationModel[]> {
      return (await prisma.performanceEvaluation.findMany({ where: { id: { in: ids.filter(isUuid) } } })).map(toEvaluation);
    },

    async evaluationsByContract(contractIds: readonly string[]): Promise<PerformanceEvaluationModel[]> {
      return (await prisma.performanceEvaluation.findMany({ where: { contractId: { in: [...contractIds] } } })).map(toEvaluation);
    },

    async completedEvaluationsBySupplier(supplierIds: readonly string[]): Promise<PerformanceEvaluationModel[]> {
      const rows = await prisma.performanceEvaluation.findMany({
        where: { supplierId: { in: supplierIds.filter(isUuid) }, status: 'COMPLETED' },
        orderBy: [{ supplierId: 'asc' }, { completedAt: 'desc' }],
      });
      return rows.map(toEvaluation);
    },

    /** Active tenders of projects in the area, with their live bid counts: one statement. */
    async activeTenders(within: string): Promise<TenderCandidate[]> {
      // One statement driven by the projects' area index, counting each tender's bids by its own
      // index: Prisma's `_count` aggregated every bid of the city and cast area_code to text (no
      // index), which grew with the city rather than with the area asked for.
      const codes = codesWithPrefix(significantPrefix(within));
      const rows = await prisma.$queryRaw<(Omit<TenderRow, 'project'> & { areaCode: string; category: string; purchaserId: string; bidCount: number })[]>`
        SELECT t.id::text AS id, t.project_id::text AS "projectId", t.method::text AS method, t.method_change_reason AS "methodChangeReason",
               t.award_criteria::text AS "awardCriteria", t.eligible_kinds AS "eligibleKinds", t.min_grade::int AS "minGrade",
               t.invited_ids::text[] AS "invitedIds", t.published_at AS "publishedAt", t.opens_at AS "opensAt", t.closes_at AS "closesAt",
               t.status::text AS status, t.awarded_bid_id::text AS "awardedBidId", t.award_amount AS "awardAmount",
               t.award_notice_date AS "awardNoticeDate", t.awarded_at AS "awardedAt", t.objection_deadline AS "objectionDeadline", t.version,
               p.area_code AS "areaCode", p.category::text AS category, p.purchaser_id::text AS "purchaserId",
               (SELECT count(*) FROM procurement.bid b WHERE b.tender_id = t.id AND b.withdrawn_at IS NULL)::int AS "bidCount"
          FROM procurement.project p JOIN procurement.tender t ON t.project_id = p.id
         WHERE p.area_code BETWEEN ${codes.gte} AND ${codes.lte} AND t.status = 'ACTIVE'
         ORDER BY t.closes_at, t.id`;
      return rows.map(({ areaCode, category, purchaserId, bidCount, ...tender }) => ({
        tender: toTender({ ...tender, project: { areaCode, category } } as TenderRow),
        category: category as ServiceCategory,
        purchaserId,
        bidCount,
      }));
    },

    /** Contracts signed in the year within the area, grouped by district or category: one statement. */
    async statistics(year: number, within: string, groupBy: StatisticsGrouping): Promise<ProcurementStatisticsRowModel[]> {
      const key = groupBy === 'DISTRICT' ? Prisma.sql`substr(area_code, 1, 6) || '000000'` : Prisma.sql`category`;
      const codes = codesWithPrefix(significantPrefix(within));
      const rows = await prisma.$queryRaw<{ key: string; contracts: number; amount: string }[]>`
        SELECT ${key} AS key, count(*)::int AS contracts, sum(value)::text AS amount
          FROM procurement.contract
         WHERE signed_on >= make_date(${year}::int, 1, 1) AND signed_on < make_date(${year}::int + 1, 1, 1)
           AND area_code BETWEEN ${codes.gte} AND ${codes.lte}
         GROUP BY 1 ORDER BY 1`;
      return rows.map((row) => ({ key: row.key, contracts: row.contracts, amount: dec(row.amount) }));
    },

    // ---- writes: each one transaction with its audit event ------------------------------

    async addCatalogueItem(item: CatalogueItemModel, actor: Actor): Promise<CatalogueItemModel> {
      try {
        return await prisma.$transaction(async (tx) => {
          const created = await tx.catalogueItem.create({ data: item });
          await audit(tx, 'CatalogueItem', item.code, 'ADD', actor, item);
          return created as CatalogueItemModel;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`Catalogue item ${item.code} exists already.`, { field: 'input.code' });
        throw error;
      }
    },

    async createBudgetLine(line: Omit<BudgetLineModel, 'id' | 'committed'>, actor: Actor): Promise<BudgetLineModel> {
      return prisma.$transaction(async (tx) => {
        const row = await tx.budgetLine.create({ data: { ...line, id: randomUUID() } });
        await audit(tx, 'BudgetLine', row.id, 'CREATE', actor, line);
        return { ...row, amount: dec(row.amount), committed: dec(row.committed) };
      });
    },

    /**
     * Creates a project inside the catalogue and its budget line: the line's committed amount
     * rises by a conditional update, so two projects cannot overspend it together.
     */
    async createProject(project: NewProject, actor: Actor): Promise<ProcurementProjectModel> {
      return prisma.$transaction(async (tx) => {
        const item = await tx.catalogueItem.findUnique({ where: { code: project.catalogueCode } });
        if (!item) throw ruleBroken('IN_CATALOGUE', `${project.catalogueCode} is not in the guiding catalogue of purchasable services.`, 'input.catalogueCode');
        const line = await tx.budgetLine.findUnique({ where: { id: project.budgetLineId } });
        if (!line) throw notFound(`No budget line ${project.budgetLineId}.`);
        if (line.agencyId !== project.purchaser.id) {
          throw ruleBroken('BUDGET_LINE_OF_PURCHASER', 'The budget line belongs to another purchasing agency.', 'input.budgetLineId');
        }
        const raised = await tx.$executeRaw`
          UPDATE procurement.budget_line SET committed = committed + ${project.budget}::numeric
           WHERE id = ${project.budgetLineId}::uuid AND committed + ${project.budget}::numeric <= amount`;
        if (raised !== 1) {
          const fresh = await tx.budgetLine.findUniqueOrThrow({ where: { id: project.budgetLineId } });
          throw ruleBroken(
            'WITHIN_BUDGET_LINE',
            `The budget ${project.budget} exceeds the budget line's remaining ${fromFen(toFen(dec(fresh.amount)) - toFen(dec(fresh.committed)))} yuan.`,
            'input.budget',
          );
        }
        const id = randomUUID();
        const row = await tx.project.create({
          data: {
            id,
            title: project.title,
            purchaserId: project.purchaser.id,
            purchaserName: project.purchaser.name,
            purchaserCreditCode: project.purchaser.creditCode,
            areaCode: project.areaCode,
            catalogueCode: item.code,
            category: item.category,
            budgetLineId: project.budgetLineId,
            serviceContent: project.serviceContent,
            budget: project.budget,
            termMonths: project.termMonths,
            termJustification: project.termJustification,
            communities: { create: project.communityCodes.map((communityCode) => ({ communityCode })) },
            targets: { create: project.targets.map((target, position) => ({ position, ...target })) },
          },
        });
        await audit(tx, 'Project', id, 'CREATE', actor, { ...project, purchaser: project.purchaser.id });
        return toProject(row);
      });
    },

    /** Publishes a tender: the project moves PLANNED → TENDERING (version-checked). */
    async publishTender(tender: NewTender, actor: Actor, check: (project: ProcurementProjectModel, previous: TenderModel[]) => void): Promise<TenderModel> {
      try {
        return await prisma.$transaction(async (tx) => {
          const project = await tx.project.findUnique({ where: { id: tender.projectId } });
          if (!project) throw notFound(`No project ${tender.projectId}.`);
          const previous = (await tx.tender.findMany({ where: { projectId: project.id }, select: TENDER_SELECT, orderBy: { publishedAt: 'asc' } })).map(toTender);
          check(toProject(project), previous);
          const moved = await tx.project.updateMany({
            where: { id: project.id, version: project.version, status: 'PLANNED' },
            data: { status: 'TENDERING', version: { increment: 1 }, updatedAt: new Date() },
          });
          if (moved.count !== 1) throw conflict(`Project ${project.id} is ${project.status} or was changed meanwhile; only a planned project is tendered.`);
          const id = randomUUID();
          await tx.tender.create({ data: { ...tender, id } });
          await audit(tx, 'Tender', id, 'PUBLISH', actor, tender);
          return toTender(await tx.tender.findUniqueOrThrow({ where: { id }, select: TENDER_SELECT }));
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`Project ${tender.projectId} already has a tender under way.`);
        throw error;
      }
    },

    /** A bid; a second live bid by the same organisation (even at the same instant) is a CONFLICT. */
    async submitBid(
      tenderId: string,
      bidder: PartySnapshot,
      price: string,
      proposal: string,
      actor: Actor,
      check: (tender: TenderModel) => void,
    ): Promise<BidModel> {
      try {
        return await prisma.$transaction(async (tx) => {
          const tender = toTender(await tx.tender.findUniqueOrThrow({ where: { id: tenderId }, select: TENDER_SELECT }));
          check(tender);
          const row = await tx.bid.create({
            data: { id: randomUUID(), tenderId, organizationId: bidder.id, organizationName: bidder.name, creditCode: bidder.creditCode, price, proposal },
          });
          // The price is sealed: the audit event records the bid, not its amount.
          await audit(tx, 'Bid', row.id, 'SUBMIT', actor, { tenderId, organizationId: bidder.id });
          return toBid(row);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw ruleBroken('ONE_BID_PER_ORGANIZATION', `Organisation ${bidder.id} already has a bid on tender ${tenderId}.`);
        throw error;
      }
    },

    async withdrawBid(bidId: string, actor: Actor, check: (bid: BidModel, tender: TenderModel) => void): Promise<BidModel> {
      return prisma.$transaction(async (tx) => {
        const bid = await tx.bid.findUnique({ where: { id: bidId } });
        if (!bid) throw notFound(`No bid ${bidId}.`);
        const tender = await lockedTender(tx, bid.tenderId);
        check(toBid(bid), tender);
        const { count } = await tx.bid.updateMany({ where: { id: bidId, withdrawnAt: null }, data: { withdrawnAt: new Date() } });
        if (count !== 1) throw conflict(`Bid ${bidId} is already withdrawn.`);
        await audit(tx, 'Bid', bidId, 'WITHDRAW', actor);
        return toBid(await tx.bid.findUniqueOrThrow({ where: { id: bidId } }));
      });
    },

    /**
     * Records the evaluation of every live bid and decides: `decide` returns the winning bid or
     * null (unsuccessful: the project returns to PLANNED for a re-tender or method change).
     */
    async evaluateTender(
      tenderId: string,
      expectedVersion: number,
      scores: Map<string, { qualified: boolean; score: number | undefined }>,
      actor: Actor,
      decide: (tender: TenderModel, bids: BidModel[]) => { winner: BidModel; noticeDate: string; objectionDeadline: string } | null,
    ): Promise<TenderModel> {
      return prisma.$transaction(async (tx) => {
        const tender = await lockedTender(tx, tenderId);
        if (expectedVersion !== tender.version) {
          throw conflict(`Tender ${tenderId} changed meanwhile (now version ${tender.version}).`, { field: 'input.expectedVersion' });
        }
        const live = (await tx.bid.findMany({ where: { tenderId, withdrawnAt: null }, orderBy: { id: 'asc' } })).map(toBid);
        for (const bid of live) {
          const entry = scores.get(bid.id);
          if (!entry) throw ruleBroken('EVERY_BID_EVALUATED', `Bid ${bid.id} has no evaluation.`, 'input.scores');
          await tx.bid.update({ where: { id: bid.id }, data: { qualified: entry.qualified, score: entry.score ?? null } });
          bid.qualified = entry.qualified;
          bid.score = entry.score === undefined ? null : dec(entry.score);
        }
        for (const id of scores.keys()) {
          if (!live.some((bid) => bid.id === id)) throw badScore(id);
        }
        const decision = decide(tender, live);
        await tx.tender.update({
          where: { id: tenderId },
          data: decision
            ? {
                status: 'AWARDED',
                awardedBidId: decision.winner.id,
                awardAmount: decision.winner.price,
                awardNoticeDate: toDate(decision.noticeDate),
                awardedAt: new Date(),
                objectionDeadline: toDate(decision.objectionDeadline),
                version: { increment: 1 },
              }
            : { status: 'UNSUCCESSFUL', version: { increment: 1 } },
        });
        await tx.project.update({
          where: { id: tender.projectId },
          data: { status: decision ? 'AWARDED' : 'PLANNED', version: { increment: 1 }, updatedAt: new Date() },
        });
        await audit(tx, 'Tender', tenderId, decision ? 'AWARD' : 'FAIL', actor, {
          qualified: live.filter((bid) => bid.qualified).length,
          winner: decision?.winner.id,
        });
        return toTender(await tx.tender.findUniqueOrThrow({ where: { id: tenderId }, select: TENDER_SELECT }));
      });
    },

    async cancelTender(tenderId: string, reason: string, actor: Actor, check: (tender: TenderModel) => void): Promise<TenderModel> {
      return prisma.$transaction(async (tx) => {
        const tender = await lockedTender(tx, tenderId);
        check(tender);
        await tx.tender.update({ where: { id: tenderId }, data: { status: 'CANCELLED', version: { increment: 1 } } });
        await tx.project.update({ where: { id: tender.projectId }, data: { status: 'PLANNED', version: { increment: 1 }, updatedAt: new Date() } });
        await audit(tx, 'Tender', tenderId, 'CANCEL', actor, undefined, reason);
        return toTender(await tx.tender.findUniqueOrThrow({ where: { id: tenderId }, select: TENDER_SELECT }));
      });
    },

    async fileObjection(tenderId: string, organizationId: string, reason: string, actor: Actor, check: (tender: TenderModel, bids: BidModel[]) => void): Promise<ObjectionModel> {
      return prisma.$transaction(async (tx) => {
        const tender = await lockedTender(tx, tenderId);
        check(tender, (await tx.bid.findMany({ where: { tenderId, organizationId } })).map(toBid));
        const objection = await tx.objection.create({ data: { id: randomUUID(), tenderId, organizationId, reason } });
        await audit(tx, 'Objection', objection.id, 'FILE', actor, { tenderId }, reason);
        return objection;
      });
    },

    async createContract(
      tenderId: string,
      contract: { value: string; startsOn: string; endsOn: string; milestones: { title: string; deliverable: string; dueOn: string }[] },
      actor: Actor,
      check: (tender: TenderModel) => void,
    ): Promise<ContractModel> {
      try {
        return await prisma.$transaction(async (tx) => {
          const tender = await lockedTender(tx, tenderId);
          check(tender);
          const project = await tx.project.findUniqueOrThrow({ where: { id: tender.projectId } });
          const bid = await tx.bid.findUniqueOrThrow({ where: { id: tender.awardedBidId! } });
          const id = randomUUID();
          const row = await tx.contract.create({
            data: {
              id,
              projectId: project.id,
              tenderId,
              supplierId: bid.organizationId,
              purchaserId: project.purchaserId,
              areaCode: project.areaCode,
              category: project.category,
              title: project.title,
              originalValue: contract.value,
              value: contract.value,
              startsOn: toDate(contract.startsOn),
              endsOn: toDate(contract.endsOn),
              milestones: { create: contract.milestones.map((m) => ({ id: randomUUID(), title: m.title, deliverable: m.deliverable, dueOn: toDate(m.dueOn) })) },
            },
          });
          await audit(tx, 'Contract', id, 'CREATE', actor, { tenderId, value: contract.value });
          return toContract(row);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`Tender ${tenderId} has a contract already.`);
        throw error;
      }
    },

    async changeContractStatus(
      contractId: string,
      to: ContractStatus,
      expectedVersion: number,
      reason: string | undefined,
      today: string,
      actor: Actor,
      check: (contract: ContractModel, tender: TenderModel) => void,
    ): Promise<ContractModel> {
      return prisma.$transaction(async (tx) => {
        const contract = await lockedContract(tx, contractId);
        if (expectedVersion !== contract.version) {
          throw conflict(`Contract ${contractId} changed meanwhile (now version ${contract.version}).`, { field: 'input.expectedVersion' });
        }
        const tender = toTender(await tx.tender.findUniqueOrThrow({ where: { id: contract.tenderId }, select: TENDER_SELECT }));
        check(contract, tender);
        await tx.contract.update({
          where: { id: contractId },
          data: {
            status: to,
            version: { increment: 1 },
            ...(to === 'ACTIVE' ? { signedOn: toDate(today) } : {}),
            ...(to === 'TERMINATED' ? { terminationReason: reason } : {}),
          },
        });
        const projectStatus: Partial<Record<ContractStatus, ProjectStatus>> = { ACTIVE: 'CONTRACTED', COMPLETED: 'COMPLETED' };
        if (projectStatus[to]) {
          await tx.project.update({ where: { id: contract.projectId }, data: { status: projectStatus[to], version: { increment: 1 }, updatedAt: new Date() } });
        }
        await audit(tx, 'Contract', contractId, `STATUS_${to}`, actor, { from: contract.status, to }, reason);
        return toContract(await tx.contract.findUniqueOrThrow({ where: { id: contractId } }));
      });
    },

    async completeMilestone(milestoneId: string, completedOn: string, actor: Actor, check: (contract: ContractModel, milestone: MilestoneModel) => void): Promise<MilestoneModel> {
      return prisma.$transaction(async (tx) => {
        const milestone = await tx.milestone.findUnique({ where: { id: milestoneId } });
        if (!milestone) throw notFound(`No milestone ${milestoneId}.`);
        check(await lockedContract(tx, milestone.contractId), toMilestone(milestone));
        const { count } = await tx.milestone.updateMany({ where: { id: milestoneId, completedOn: null }, data: { completedOn: toDate(completedOn) } });
        if (count !== 1) throw conflict(`Milestone ${milestoneId} is already completed.`);
        await audit(tx, 'Milestone', milestoneId, 'COMPLETE', actor, { completedOn });
        return toMilestone(await tx.milestone.findUniqueOrThrow({ where: { id: milestoneId } }));
      });
    },

    /**
     * Records a payment. The paid total rises by a conditional UPDATE that only matches while
     * paid + amount stays within the value: PostgreSQL re-checks the condition on the locked row,
     * so two payments recorded at once can never together pass the value.
     */
    async recordPayment(
      contractId: string,
      payment: { amount: string; paidOn: string; milestoneId: string | undefined },
      actor: Actor,
      check: (contract: ContractModel, milestone: MilestoneModel | null) => void,
    ): Promise<{ payment: PaymentModel; contract: ContractModel }> {
      return prisma.$transaction(async (tx) => {
        const before = await tx.contract.findUnique({ where: { id: contractId } });
        if (!before) throw notFound(`No contract ${contractId}.`);
        const milestone = payment.milestoneId ? await tx.milestone.findUnique({ where: { id: payment.milestoneId } }) : null;
        check(toContract(before), milestone ? toMilestone(milestone) : null);
        const raised = await tx.$executeRaw`
          UPDATE procurement.contract SET paid = paid + ${payment.amount}::numeric, version = version + 1
           WHERE id = ${contractId}::uuid AND status = 'ACTIVE' AND paid + ${payment.amount}::numeric <= value`;
        if (raised !== 1) {
          const now = toContract(await tx.contract.findUniqueOrThrow({ where: { id: contractId } }));
          if (now.status !== 'ACTIVE') throw ruleBroken('PAY_ACTIVE_CONTRACTS', `Contract ${contractId} is ${now.status}; payments are made on active contracts.`);
          throw ruleBroken(
            'PAYMENTS_WITHIN_VALUE',
            `Paying ${payment.amount} would exceed the contract value ${now.value} (paid so far ${now.paid}).`,
            'input.amount',
          );
        }
        const row = await tx.payment.create({
          data: { id: randomUUID(), contractId, milestoneId: payment.milestoneId ?? null, amount: payment.amount, paidOn: toDate(payment.paidOn) },
        });
        await audit(tx, 'Payment', row.id, 'RECORD', actor, { contractId, amount: payment.amount });
        return {
          payment: { id: row.id, contractId, milestoneId: row.milestoneId, amount: dec(row.amount), paidOn: day(row.paidOn) },
          contract: toContract(await tx.contract.findUniqueOrThrow({ where: { id: contractId } })),
        };
      });
    },

    /** A supplementary agreement; the conditional UPDATE keeps all of them within 10% of the original value. */
    async addSupplementaryAgreement(
      contractId: string,
      amount: string,
      reason: string,
      today: string,
      actor: Actor,
      check: (contract: ContractModel) => void,
    ): Promise<{ agreement: SupplementaryAgreementModel; contract: ContractModel }> {
      return prisma.$transaction(async (tx) => {
        const before = await tx.contract.findUnique({ where: { id: contractId } });
        if (!before) throw notFound(`No contract ${contractId}.`);
        check(toContract(before));
        const raised = await tx.$executeRaw`
          UPDATE procurement.contract
             SET supplementary_total = supplementary_total + ${amount}::numeric, value = value + ${amount}::numeric, version = version + 1
           WHERE id = ${contractId}::uuid AND status IN ('PENDING', 'ACTIVE')
             AND (supplementary_total + ${amount}::numeric) * 10 <= original_value`;
        if (raised !== 1) {
          const now = toContract(await tx.contract.findUniqueOrThrow({ where: { id: contractId } }));
          const cap = toFen(now.originalValue) / 10n;
          throw ruleBroken(
            'SUPPLEMENTS_AT_MOST_TEN_PERCENT',
            `Supplementary agreements may add at most 10% of the original value in total (${fromFen(cap)}); ${now.supplementaryTotal} is already added.`,
            'input.amount',
          );
        }
        const row = await tx.supplementaryAgreement.create({ data: { id: randomUUID(), contractId, amount, reason, signedOn: toDate(today) } });
        await audit(tx, 'SupplementaryAgreement', row.id, 'ADD', actor, { contractId, amount }, reason);
        return {
          agreement: { ...row, amount: dec(row.amount), signedOn: day(row.signedOn) },
          contract: toContract(await tx.contract.findUniqueOrThrow({ where: { id: contractId } })),
        };
      });
    },

    async assignEvaluation(contract: ContractModel, evaluator: PartySnapshot, actor: Actor): Promise<PerformanceEvaluationModel> {
      try {
        return await prisma.$transaction(async (tx) => {
          const row = await tx.performanceEvaluation.create({
            data: { id: randomUUID(), contractId: contract.id, supplierId: contract.supplierId, evaluatorId: evaluator.id, evaluatorName: evaluator.name },
          });
          await audit(tx, 'PerformanceEvaluation', row.id, 'ASSIGN', actor, { contractId: contract.id, evaluatorId: evaluator.id });
          return toEvaluation(row);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`Contract ${contract.id} already has an evaluator.`, { field: 'input.contractId' });
        throw error;
      }
    },

    async submitEvaluation(
      id: string,
      result: { scores: { indicator: string; score: number }[]; satisfaction: number; overall: number; grade: PerformanceGrade },
      actor: Actor,
      check: (evaluation: PerformanceEvaluationModel) => void,
    ): Promise<PerformanceEvaluationModel> {
      return prisma.$transaction(async (tx) => {
        const current = await tx.performanceEvaluation.findUnique({ where: { id } });
        if (!current) throw notFound(`No evaluation ${id}.`);
        check(toEvaluation(current));
        const { count } = await tx.performanceEvaluation.updateMany({
          where: { id, status: 'ASSIGNED', version: current.version },
          data: {
            status: 'COMPLETED',
            scores: result.scores,
            satisfaction: result.satisfaction,
            overallScore: result.overall,
            grade: result.grade,
            completedAt: new Date(),
            version: { increment: 1 },
          },
        });
        if (count !== 1) throw conflict(`Evaluation ${id} is already completed.`);
        await audit(tx, 'PerformanceEvaluation', id, 'COMPLETE', actor, result);
        return toEvaluation(await tx.performanceEvaluation.findUniqueOrThrow({ where: { id } }));
      });
    },

    /** Everything the OCDS export of one project needs, read in a handful of statements. */
    async projectRecord(projectId: string) {
      const project = await prisma.project.findUnique({
        where: { id: projectId },
        include: {
          targets: { orderBy: { position: 'asc' } },
          communities: true,
          catalogueItem: true,
          tenders: { orderBy: { publishedAt: 'asc' }, include: { bids: { orderBy: { submittedAt: 'asc' } } } },
          contracts: {
            include: {
              milestones: { orderBy: [{ dueOn: 'asc' }, { id: 'asc' }] },
              payments: { orderBy: [{ paidOn: 'asc' }, { id: 'asc' }] },
              supplementaryAgreements: { orderBy: { signedOn: 'asc' } },
              evaluation: true,
            },
          },
        },
      });
      return project;
    },

    /**
     * The audit trail of each project and every record under it, oldest first: one statement for
     * a whole page of projects, the records found through their foreign keys.
     */
    async projectHistory(projectIds: readonly string[]): Promise<ProcurementEventModel[]> {
      const ids = projectIds.filter(isUuid);
      if (ids.length === 0) return [];
      return prisma.$queryRaw<ProcurementEventModel[]>`
        WITH project AS (SELECT id FROM procurement.project WHERE id = ANY(${ids}::uuid[])),
        tender AS (SELECT t.id, t.project_id FROM procurement.tender t JOIN project p ON p.id = t.project_id),
        contract AS (SELECT c.id, c.project_id FROM procurement.contract c JOIN project p ON p.id = c.project_id),
        record(project_id, entity_type, entity_id) AS (
                    SELECT id, 'Project', id FROM project
          UNION ALL SELECT project_id, 'Tender', id FROM tender
          UNION ALL SELECT t.project_id, 'Bid', b.id FROM procurement.bid b JOIN tender t ON t.id = b.tender_id
          UNION ALL SELECT t.project_id, 'Objection', o.id FROM procurement.objection o JOIN tender t ON t.id = o.tender_id
          UNION ALL SELECT project_id, 'Contract', id FROM contract
          UNION ALL SELECT c.project_id, 'Milestone', m.id FROM procurement.milestone m JOIN contract c ON c.id = m.contract_id
          UNION ALL SELECT c.project_id, 'Payment', x.id FROM procurement.payment x JOIN contract c ON c.id = x.contract_id
          UNION ALL SELECT c.project_id, 'SupplementaryAgreement', x.id FROM procurement.supplementary_agreement x JOIN contract c ON c.id = x.contract_id
          UNION ALL SELECT c.project_id, 'PerformanceEvaluation', x.id FROM procurement.performance_evaluation x JOIN contract c ON c.id = x.contract_id
        )
        SELECT r.project_id::text AS "projectId", e.entity_type AS "entityType", e.entity_id AS "entityId", e.action, e.actor,
               e.actor_org AS "actorOrganizationId", e.reason, e.at
          FROM record r
          JOIN procurement.audit_event e ON e.entity_type = r.entity_type AND e.entity_id = r.entity_id::text
         ORDER BY r.project_id, e.id`;
    },

    close: () => prisma.$disconnect(),
  };
}

function badScore(id: string) {
  return ruleBroken('EVERY_BID_EVALUATED', `Bid ${id} is not a live bid of this tender.`, 'input.scores');
}

export type ProcurementStore = ReturnType<typeof createProcurementStore>;
export type ProjectRecord = NonNullable<Awaited<ReturnType<ProcurementStore['projectRecord']>>>;
export type { TenderStatus };
