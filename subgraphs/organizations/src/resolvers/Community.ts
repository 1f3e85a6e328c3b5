import { readPage, toConnection } from '../../../../lib/runtime/connections';
import type { CommunityResolvers } from '../generated/graphql';
import type { OrganizationModel } from '../models';

export const Community: CommunityResolvers = {
  __resolveReference: (reference) => ({ code: reference.code }),

  /** Batched across every community in the request: one statement for the pages, one for the counts. */
  organizations: async (community, { first, after }, { loaders }) => {
    const page = readPage({ first, after }, ['text', 'uuid']);
    const ids = await loaders.communityOrganizationIds(page).load(community.code);
    const found = await loaders.organization.loadMany(ids);
    const rows = found.filter((row): row is OrganizationModel => row !== null && !(row instanceof Error));
    return toConnection(
      rows,
      page,
      (organization) => [organization.name, organization.id],
      () => loaders.communityOrganizationCount.load(community.code),
    );
  },
};
