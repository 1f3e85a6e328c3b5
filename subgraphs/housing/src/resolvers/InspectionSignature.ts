import { seesActors } from '../access';
import type { InspectionSignatureResolvers } from '../generated/graphql';

/** Token subjects are shown only to callers whose jurisdiction covers the community. */
export const InspectionSignature: InspectionSignatureResolvers = {
  actor: (signature, _, { viewer }) => (seesActors(viewer, signature.communityCode) ? signature.actor : null),
};
