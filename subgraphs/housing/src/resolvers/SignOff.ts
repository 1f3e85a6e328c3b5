import { seesActors } from '../access';
import type { SignOffResolvers } from '../generated/graphql';

/** Token subjects are shown only to callers whose jurisdiction covers the community. */
export const SignOff: SignOffResolvers = {
  actor: (signOff, _, { viewer }) => (seesActors(viewer, signOff.communityCode) ? signOff.actor : null),
};
