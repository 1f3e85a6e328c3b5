import { money } from '../../../../lib/kernel/money';
import { isReader, requireReader } from '../access';
import type { ProcurementProjectResolvers } from '../generated/graphql';

export const ProcurementProject: ProcurementProjectResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.project.load(reference.id),
  purchaser: (project) => ({ id: project.purchaserId }),
  area: (project) => ({ code: project.areaCode }),
  communities: async (project, _, { loaders }) =>
    (await loaders.projectCommunities.load(project.id)).map((row) => ({ code: row.communityCode })),
  catalogueItem: async (project, _, { loaders }) => (await loaders.catalogueItem.load(project.catalogueCode))!,
  budget: (project) => money(project.budget),
  targets: (project, _, { loaders }) => loaders.projectTargets.load(project.id),
  tenders: (project, _, { loaders }) => loaders.projectTenders.load(project.id),
  contract: (project, _, { loaders }) => loaders.projectContract.load(project.id),
  redFlags: async (project, _, { viewer, loaders }) => {
    const flags = await loaders.projectRedFlags.load(project.id);
    return isReader(viewer, project.areaCode) ? flags : flags.filter((flag) => flag.decided);
  },
  history: (project, _, { viewer, loaders }) => {
    requireReader(viewer, project.areaCode, "A project's audit trail");
    return loaders.projectHistory.load(project.id);
  },
};
