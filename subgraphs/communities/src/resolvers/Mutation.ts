import { actorOf } from '../../../../lib/kernel/actor';
import { requireJurisdiction, type Role } from '../../../../lib/kernel/auth';
import type { MutationResolvers } from '../generated/graphql';
import { validateCommunityChanges, validateNewArea } from '../rules';
import { requireVersion } from '../../../../lib/kernel/versions';

const REGISTRARS: Role[] = ['CITY_ADMIN', 'DISTRICT_CIVIL_AFFAIRS'];
const COMMUNITY_EDITORS: Role[] = ['CITY_ADMIN', 'DISTRICT_CIVIL_AFFAIRS', 'STREET_OFFICER', 'COMMUNITY_WORKER'];

export const Mutation: MutationResolvers = {
  registerArea: async (_, { input }, { viewer, loaders, store, requestId }) => {
    // The jurisdiction must cover the rung the new area hangs from (a city: itself).
    const officer = requireJurisdiction(viewer, REGISTRARS, input.parentCode ?? input.code, 'Registering an area');
    const parent = input.parentCode ? await loaders.area.load(input.parentCode) : null;
    const area = await store.areas.register(validateNewArea(input, parent), actorOf(officer, requestId));
    loaders.area.clear(area.code).prime(area.code, area);
    return { area };
  },

  updateCommunity: async (_, { input }, { viewer, loaders, store, requestId }) => {
    const officer = requireJurisdiction(viewer, COMMUNITY_EDITORS, input.code, 'Updating a community');
    const changes = validateCommunityChanges(input);
    const community = await store.communities.update(
      input.code,
      changes,
      requireVersion(input.expectedVersion),
      input.reason?.trim() || undefined,
      actorOf(officer, requestId),
    );
    loaders.community.clear(community.code).prime(community.code, community);
    return { community };
  },
};
