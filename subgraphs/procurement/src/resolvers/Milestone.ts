import { todayIn } from '../../../../lib/kernel/dates';
import type { MilestoneResolvers } from '../generated/graphql';

export const Milestone: MilestoneResolvers = {
  overdue: (milestone, _, { loaders }) => milestone.completedOn === null && milestone.dueOn < todayIn(loaders.settings.timeZone),
  contract: async (milestone, _, { loaders }) => (await loaders.contract.load(milestone.contractId))!,
};
