import type { RedFlagEvidenceResolvers } from '../generated/graphql';
import type { BidModel, ProcurementProjectModel } from '../models';

export const RedFlagEvidence: RedFlagEvidenceResolvers = {
  bids: async (evidence, _, { loaders }) => (await loaders.bid.loadMany(evidence.bidIds)) as BidModel[],
  organizations: (evidence) => evidence.organizationIds.map((id) => ({ id })),
  projects: async (evidence, _, { loaders }) => (await loaders.project.loadMany(evidence.projectIds)) as ProcurementProjectModel[],
};
