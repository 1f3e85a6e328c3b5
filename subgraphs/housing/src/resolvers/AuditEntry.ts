import { seesActors } from '../access';
import type { AuditEntryResolvers } from '../generated/graphql';

/** Token subjects are shown only to callers whose jurisdiction covers the community. */
export const AuditEntry: AuditEntryResolvers = {
  actor: (entry, _, { viewer }) => (seesActors(viewer, entry.communityCode) ? entry.actor : null),
};
