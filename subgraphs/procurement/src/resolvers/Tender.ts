import { requireReader } from '../access';
import type { TenderResolvers } from '../generated/graphql';
import type { ProcurementProjectModel } from '../models';
import { gradeName } from '../rules';

export const Tender: TenderResolvers = {
  project: async (tender, _, { loaders }) => (await loaders.project.load(tender.projectId)) as ProcurementProjectModel,
  minGrade: (tender) => (tender.minGrade ? gradeName(tender.minGrade) : null),
  invitedSuppliers: (tender) => tender.invitedIds.map((id) => ({ id })),
  bidCount: (tender, _, { loaders }) => loaders.liveBidCount.load(tender.id),
  bids: (tender, _, { viewer, loaders }) => {
    requireReader(viewer, tender.areaCode, "A tender's bids");
    return loaders.tenderBids.load(tender.id);
  },
  award: (tender) => (tender.status === 'AWARDED' ? { tender } : null),
  objections: (tender, _, { viewer, loaders }) => {
    requireReader(viewer, tender.areaCode, "A tender's objections");
    return loaders.tenderObjections.load(tender.id);
  },
};
