import { randomUUID } from 'node:crypto';
import { codesWithPrefix, significantPrefix } from '../../../../lib/kernel/auth';
import { isUniqueViolation } from '../../../../lib/runtime/db';
import { conflict } from '../../../../lib/kernel/errors';
import type { Page } from '../../../../lib/runtime/connections';
import type { Actor } from '../../../../lib/kernel/actor';
import { isUuid } from '../../../../lib/kernel/ids';
import { toDateColumn } from '../../../../lib/kernel/dates';
import { fromDecimalColumn } from '../../../../lib/kernel/money';
import { Prisma } from '../generated/prisma/client';
import type { ContractStatus, ProjectStatus } from '../generated/prisma/enums';
import type { StatisticsGrouping } from '../generated/graphql';
import type { ContractFilter, ContractModel, ProcurementStatisticsRowModel, TenderModel } from '../models';
import { afterKey, audit, lockedContract, lockedTender, TENDER_SELECT, toContract, toTender, type Key, type StoreClient } from './client';

/** Contracts: created from an award, signed, completed or terminated; listed for officers and per supplier. */

/** One page of contracts per supplier (by end date, then id), for every supplier asked at once. */
const SUPPLIER_CONTRACT_PAGE = (supplierIds: string[], page: Page<Key>) => {
  const after = page.after
    ? Prisma.sql`AND (c.ends_on, c.id) > (${String(page.after[0])}::date, ${String(page.after[1])}::uuid)`
    : Prisma.empty;
  return Prisma.sql`
    SELECT s.id::text AS "supplierId", c.id::text AS id
      FROM unnest(${supplierIds}::uuid[]) AS s(id)
      CROSS JOIN LATERAL (
        SELECT c.id, c.ends_on FROM procurement.contract c
         WHERE c.supplier_id = s.id ${after}
         ORDER BY c.ends_on, c.id LIMIT ${page.first + 1}
      ) AS c
     ORDER BY s.id, c.ends_on, c.id`;
};

const SUPPLIER_CONTRACT_COUNTS = (supplierIds: string[]) => Prisma.sql`
  SELECT supplier_id::text AS "supplierId", count(*)::int AS count FROM procurement.contract
   WHERE supplier_id = ANY(${supplierIds}::uuid[]) GROUP BY supplier_id`;

/** Contracts signed in the calendar year within the area, grouped by district or category. */
const SIGNED_IN_YEAR = (year: number, codes: { gte: string; lte: string }, groupBy: StatisticsGrouping) => {
  const key = groupBy === 'DISTRICT' ? Prisma.sql`substr(area_code, 1, 6) || '000000'` : Prisma.sql`category`;
  return Prisma.sql`
    SELECT ${key} AS key, count(*)::int AS contracts, sum(value)::text AS amount
      FROM procurement.contract
     WHERE signed_on >= make_date(${year}::int, 1, 1) AND signed_on < make_date(${year}::int + 1, 1, 1)
       AND area_code BETWEEN ${codes.gte} AND ${codes.lte}
     GROUP BY 1 ORDER BY 1`;
};

/** A project follows its contract: signing contracts it, completing the contract completes it. */
const PROJECT_STATUS_ON: Partial<Record<ContractStatus, ProjectStatus>> = { ACTIVE: 'CONTRACTED', COMPLETED: 'COMPLETED' };

function contractWhere(filter: ContractFilter, today: string): Prisma.ContractWhereInput {
  const where: Prisma.ContractWhereInput = { areaCode: codesWithPrefix(significantPrefix(filter.within)) };
  if (filter.status?.length) where.status = { in: filter.status };
  if (filter.purchaser) where.purchaserId = filter.purchaser;
  if (filter.supplier) where.supplierId = filter.supplier;
  if (filter.expiringBefore) where.endsOn = { lte: toDateColumn(filter.expiringBefore) };
  const overdue: Prisma.MilestoneListRelationFilter = { some: { completedOn: null, dueOn: { lt: toDateColumn(today) } } };
  if (filter.hasOverdueMilestones === true) where.AND = [{ status: 'ACTIVE' }, { milestones: overdue }];
  if (filter.hasOverdueMilestones === false) where.NOT = { status: 'ACTIVE', milestones: overdue };
  return where;
}

export function contractsStore(prisma: StoreClient) {
  return {
    async byId(ids: readonly string[]): Promise<ContractModel[]> {
      return (await prisma.contract.findMany({ where: { id: { in: ids.filter(isUuid) } } })).map(toContract);
    },

    async byProject(projectIds: readonly string[]): Promise<ContractModel[]> {
      return (await prisma.contract.findMany({ where: { projectId: { in: [...projectIds] } } })).map(toContract);
    },

    /** The officers' contract list, ordered by end date then id: one statement whatever the page size. */
    async page(filter: ContractFilter, today: string, page: Page<Key>): Promise<ContractModel[]> {
      const where = contractWhere(filter, today);
      const after = afterKey(page.after, (endsOn, id) => ({
        OR: [{ endsOn: { gt: toDateColumn(String(endsOn)) } }, { endsOn: toDateColumn(String(endsOn)), id: { gt: id } }],
      }));
      const rows = await prisma.contract.findMany({
        where: after ? { AND: [where, after] } : where,
        orderBy: [{ endsOn: 'asc' }, { id: 'asc' }],
        take: page.first + 1,
      });
      return rows.map(toContract);
    },

    count: (filter: ContractFilter, today: string) => prisma.contract.count({ where: contractWhere(filter, today) }),

    async supplierPage(supplierIds: readonly string[], page: Page<Key>): Promise<{ supplierId: string; id: string }[]> {
      return prisma.$queryRaw<{ supplierId: string; id: string }[]>(SUPPLIER_CONTRACT_PAGE(supplierIds.filter(isUuid), page));
    },

    async countBySupplier(supplierIds: readonly string[]): Promise<{ supplierId: string; count: number }[]> {
      return prisma.$queryRaw<{ supplierId: string; count: number }[]>(SUPPLIER_CONTRACT_COUNTS(supplierIds.filter(isUuid)));
    },

    /** Contracts signed in the year within the area, grouped by district or category: one statement. */
    async statistics(year: number, within: string, groupBy: StatisticsGrouping): Promise<ProcurementStatisticsRowModel[]> {
      const rows = await prisma.$queryRaw<{ key: string; contracts: number; amount: string }[]>(
        SIGNED_IN_YEAR(year, codesWithPrefix(significantPrefix(within)), groupBy),
      );
      return rows.map((row) => ({ key: row.key, contracts: row.contracts, amount: fromDecimalColumn(new Prisma.Decimal(row.amount)) }));
    },

    async create(
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
              startsOn: toDateColumn(contract.startsOn),
              endsOn: toDateColumn(contract.endsOn),
              milestones: {
                create: contract.milestones.map((m) => ({
                  id: randomUUID(),
                  title: m.title,
                  deliverable: m.deliverable,
                  dueOn: toDateColumn(m.dueOn),
                })),
              },
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

    async changeStatus(
      contractId: string,
      to: ContractStatus,
      expectedVersion: number,
      reason: string | null,
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
            ...(to === 'ACTIVE' ? { signedOn: toDateColumn(today) } : {}),
            ...(to === 'TERMINATED' ? { terminationReason: reason } : {}),
          },
        });
        if (PROJECT_STATUS_ON[to]) {
          await tx.project.update({
            where: { id: contract.projectId },
            data: { status: PROJECT_STATUS_ON[to], version: { increment: 1 }, updatedAt: new Date() },
          });
        }
        await audit(tx, 'Contract', contractId, `STATUS_${to}`, actor, { from: contract.status, to }, reason);
        return toContract(await tx.contract.findUniqueOrThrow({ where: { id: contractId } }));
      });
    },
  };
}
