import { toConnection } from '../../../../lib/runtime/connections';
import type { CommunityResolvers } from '../generated/graphql';
import { present } from '../loaders';
import { keyedPage } from '../rules';

export const Community: CommunityResolvers = {
  __resolveReference: (reference) => ({ code: reference.code }),
  procurementProjects: async (community, args, { loaders }) => {
    const page = keyedPage(args, ['uuid', 'uuid']);
    const rows = present(await loaders.project.loadMany(await loaders.communityProjectIds(page).load(community.code)));
    return toConnection(
      rows,
      page,
      (project) => [project.id, project.id],
      () => loaders.communityProjectCount.load(community.code),
    );
  },
};
