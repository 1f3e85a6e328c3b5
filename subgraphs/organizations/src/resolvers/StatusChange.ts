import { actsWithin, OFFICER_ROLES } from '../../../../lib/kernel/auth';
import type { StatusChangeResolvers } from '../generated/graphql';

export const StatusChange: StatusChangeResolvers = {
  // Officers' token subjects are personal data: the public sees the role and organisation only.
  actor: (change, _, { viewer }) =>
    change.registrationArea !== undefined && actsWithin(viewer, OFFICER_ROLES, change.registrationArea) ? change.actor : null,
};
