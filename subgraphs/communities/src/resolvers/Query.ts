import { readPage, toConnection } from '../../../../lib/runtime/connections';
import type { QueryResolvers } from '../generated/graphql';

export const Query: QueryResolvers = {
  area: (_, { code }, { loaders }) => loaders.area.load(code),

  areas: async (_, { parentCode, level, first, after }, { store }) => {
    const page = readPage({ first, after }, ['areaCode']);
    const filter = { parentCode: parentCode ?? undefined, level: level ?? undefined };
    const rows = await store.areas.page(filter, page);
    return toConnection(
      rows,
      page,
      (area) => [area.code],
      () => store.areas.count(filter),
    );
  },

  community: (_, { code }, { loaders }) => loaders.community.load(code),

  communities: async (_, { filter, first, after }, { store, loaders }) => {
    const page = readPage({ first, after }, ['areaCode']);
    const criteria = { within: filter?.within ?? undefined, nameContains: filter?.nameContains ?? undefined };
    const rows = await loaders.communityPage(criteria, page);
    return toConnection(
      rows,
      page,
      (community) => [community.code],
      () => store.communities.count(criteria),
    );
  },

  me: (_, __, { viewer }) => (viewer.anonymous ? null : viewer),
};
