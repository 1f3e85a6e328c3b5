import {
  actsWithin,
  hasRole,
  OFFICER_ROLES,
  requireJurisdiction,
  type Role,
  type SignedInViewer,
  type Viewer,
} from '../../../lib/kernel/auth';
import { forbidden, unauthenticated } from '../../../lib/kernel/errors';
import type { OrganizationModel } from './models';

/** Who may do what to an organisation, in one place. */

/** The registering authority: civil affairs of the district, or the city, covering the registration area. */
export const AUTHORITY_ROLES: readonly Role[] = ['DISTRICT_CIVIL_AFFAIRS', 'CITY_ADMIN'];

export function isAuthority(viewer: Viewer, organization: OrganizationModel): viewer is SignedInViewer {
  return actsWithin(viewer, AUTHORITY_ROLES, organization.registrationArea);
}

export function requireAuthority(viewer: Viewer, organization: OrganizationModel, action: string): SignedInViewer {
  return requireJurisdiction(viewer, AUTHORITY_ROLES, organization.registrationArea, action);
}

/** An admin acting for this very organisation (the token's org claim). */
export function isOwnAdmin(viewer: Viewer, organization: OrganizationModel): viewer is SignedInViewer {
  return hasRole(viewer, ['ORG_ADMIN']) && viewer.org === organization.id;
}

export function requireOwnAdmin(viewer: Viewer, organization: OrganizationModel, action: string): SignedInViewer {
  if (viewer.anonymous) throw unauthenticated(`${action} needs the organisation's admin to sign in.`);
  if (!isOwnAdmin(viewer, organization))
    throw forbidden(`${action} is for organisation ${organization.id}'s own admin (ORG_ADMIN with its org).`);
  return viewer;
}

/**
 * Contact details and annual reports are not public: the organisation's own admins and officers
 * whose jurisdiction covers its registration area read them.
 */
export function requirePrivateReader(viewer: Viewer, organization: OrganizationModel, what: string): void {
  if (viewer.anonymous) throw unauthenticated(`Sign in to see an organisation's ${what}.`);
  if (!isOwnAdmin(viewer, organization) && !actsWithin(viewer, OFFICER_ROLES, organization.registrationArea)) {
    throw forbidden(
      `Organisation ${organization.id}'s ${what} are for its own admins and officers whose jurisdiction covers ${organization.registrationArea}.`,
    );
  }
}
