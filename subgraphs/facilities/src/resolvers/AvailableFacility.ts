import type { AvailableFacilityResolvers } from '../generated/graphql';

const NEARNESS = ['SAME_COMMUNITY', 'SAME_STREET', 'SAME_DISTRICT', 'SAME_CITY'] as const;

export const AvailableFacility: AvailableFacilityResolvers = {
  facility: async (found, _, { loaders }) => (await loaders.facility.load(found.facilityId))!,
  nearness: (found) => NEARNESS[found.rank]!,
};
