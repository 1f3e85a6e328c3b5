import type { StandingResolvers } from '../generated/graphql';
import { listsOf } from '../standing';

export const Standing: StandingResolvers = {
  listed: (standing) => standing.listings.length > 0,
  lists: (standing) => listsOf(standing),
};
