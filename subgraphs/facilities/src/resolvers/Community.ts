import type { CommunityResolvers } from '../generated/graphql';
import { facilitiesBy } from './facilities-by';

export const Community: CommunityResolvers = {
  __resolveReference: (reference) => ({ code: reference.code }),
  sharedFacilities: (community, args, context) => facilitiesBy('community_code', community.code, args, context),
};
