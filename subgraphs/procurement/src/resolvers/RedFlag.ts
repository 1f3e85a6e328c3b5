import { isReader } from '../access';
import type { RedFlagResolvers } from '../generated/graphql';
import type { TenderModel } from '../models';

export const RedFlag: RedFlagResolvers = {
  tender: async (flag, _, { loaders }) => (await loaders.tender.load(flag.tenderId)) as TenderModel,
  evidence: (flag, _, { viewer }) =>
    isReader(viewer, flag.areaCode)
      ? { bidIds: flag.bidIds, organizationIds: flag.organizationIds, projectIds: flag.projectIds ?? [] }
      : null,
};
