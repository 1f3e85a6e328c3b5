import { codesWithPrefix, significantPrefix } from '../../../../lib/kernel/auth';
import { conflict, notFound } from '../../../../lib/kernel/errors';
import type { Page } from '../../../../lib/runtime/connections';
import type { Actor } from '../../../../lib/kernel/actor';
import { isUuid } from '../../../../lib/kernel/ids';
import { toDateColumn } from '../../../../lib/kernel/dates';
import type { Prisma } from '../generated/prisma/client';
import type { ContractModel, MilestoneModel } from '../models';
import { afterKey, audit, lockedContract, toMilestone, type Key, type StoreClient } from './client';

/** A contract's milestones: accepted once each, overdue while open past their day on an active contract. */

function overdueWhere(within: string, today: string): Prisma.MilestoneWhereInput {
  return {
    completedOn: null,
    dueOn: { lt: toDateColumn(today) },
    contract: { status: 'ACTIVE', areaCode: codesWithPrefix(significantPrefix(within)) },
  };
}

export function milestonesStore(prisma: StoreClient) {
  return {
    async byId(ids: readonly string[]): Promise<MilestoneModel[]> {
      return (await prisma.milestone.findMany({ where: { id: { in: ids.filter(isUuid) } } })).map(toMilestone);
    },

    async byContract(contractIds: readonly string[]): Promise<MilestoneModel[]> {
      const rows = await prisma.milestone.findMany({
        where: { contractId: { in: [...contractIds] } },
        orderBy: [{ contractId: 'asc' }, { dueOn: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toMilestone);
    },

    async overduePage(within: string, today: string, page: Page<Key>): Promise<MilestoneModel[]> {
      const where = overdueWhere(within, today);
      const after = afterKey(page.after, (dueOn, id) => ({
        OR: [{ dueOn: { gt: toDateColumn(String(dueOn)) } }, { dueOn: toDateColumn(String(dueOn)), id: { gt: id } }],
      }));
      const rows = await prisma.milestone.findMany({
        where: after ? { AND: [where, after] } : where,
        orderBy: [{ dueOn: 'asc' }, { id: 'asc' }],
        take: page.first + 1,
      });
      return rows.map(toMilestone);
    },

    countOverdue: (within: string, today: string) => prisma.milestone.count({ where: overdueWhere(within, today) }),

    async complete(
      milestoneId: string,
      completedOn: string,
      actor: Actor,
      check: (contract: ContractModel, milestone: MilestoneModel) => void,
    ): Promise<MilestoneModel> {
      return prisma.$transaction(async (tx) => {
        const milestone = await tx.milestone.findUnique({ where: { id: milestoneId } });
        if (!milestone) throw notFound(`No milestone ${milestoneId}.`);
        check(await lockedContract(tx, milestone.contractId), toMilestone(milestone));
        const { count } = await tx.milestone.updateMany({
          where: { id: milestoneId, completedOn: null },
          data: { completedOn: toDateColumn(completedOn) },
        });
        if (count !== 1) throw conflict(`Milestone ${milestoneId} is already completed.`);
        await audit(tx, 'Milestone', milestoneId, 'COMPLETE', actor, { completedOn });
        return toMilestone(await tx.milestone.findUniqueOrThrow({ where: { id: milestoneId } }));
      });
    },
  };
}
