import { actsWithin, OFFICER_ROLES } from '../../../../lib/kernel/auth';
import type { FacilityEventResolvers } from '../generated/graphql';

export const FacilityEvent: FacilityEventResolvers = {
  from: (event) => event.fromStatus,
  to: (event) => event.toStatus,
  actorOrganization: (event) => event.actorOrg,
  // The actor's token subject only for officers whose jurisdiction covers the facility.
  actor: (event, _, { viewer }) => (actsWithin(viewer, OFFICER_ROLES, event.communityCode) ? event.actor : null),
};
