import {
  actsWithin,
  hasRole,
  OFFICER_ROLES,
  requireJurisdiction,
  type Role,
  type SignedInViewer,
  type Viewer,
} from '../../../lib/kernel/auth';
import { badInput, forbidden, unauthenticated } from '../../../lib/kernel/errors';
import type { DevelopmentModel } from './models';

/** Who may do what in the housing subgraph, in one place. */

/** Officers of the ladder and the housing authority: they see actors' token subjects in their jurisdiction. */
export const READER_ROLES: readonly Role[] = [...OFFICER_ROLES, 'HOUSING_AUTHORITY'];

/** Sales-permit clearance: the housing authority and the officers who sign and inspect. */
export const CLEARANCE_ROLES: readonly Role[] = ['HOUSING_AUTHORITY', 'DISTRICT_CIVIL_AFFAIRS', 'STREET_OFFICER', 'CITY_ADMIN'];

/** Leases, expiring leases and the shortfall list. */
export const LEASE_ROLES: readonly Role[] = ['COMMUNITY_WORKER', 'STREET_OFFICER', 'DISTRICT_CIVIL_AFFAIRS', 'CITY_ADMIN'];

export function seesActors(viewer: Viewer, communityCode: string): boolean {
  return actsWithin(viewer, READER_ROLES, communityCode);
}

/** The first of `roles` the viewer holds (the role it acts in). */
export function roleIn(viewer: SignedInViewer, roles: readonly Role[]): Role {
  return roles.find((role) => viewer.roles.includes(role))!;
}

/** Signing or inspecting for an office: the caller holds that role and covers the community. */
export function requireOffice(viewer: Viewer, role: Role, communityCode: string, action: string): SignedInViewer {
  if (viewer.anonymous) throw unauthenticated(`${action} needs a signed-in officer.`);
  if (!hasRole(viewer, [role])) {
    if (!hasRole(viewer, ['DISTRICT_CIVIL_AFFAIRS', 'STREET_OFFICER']))
      throw forbidden(`${action} is for DISTRICT_CIVIL_AFFAIRS or STREET_OFFICER.`);
    throw badInput('input.role', `You do not hold the role ${role}.`);
  }
  return requireJurisdiction(viewer, [role], communityCode, action);
}

/** The development's own developer: DEVELOPER with its org claim. */
export function requireDeveloper(viewer: Viewer, development: DevelopmentModel, action: string): SignedInViewer {
  if (viewer.anonymous) throw unauthenticated(`${action} needs the developer to sign in.`);
  if (!hasRole(viewer, ['DEVELOPER']) || viewer.org !== development.developerId) {
    throw forbidden(`${action} is for development ${development.id}'s developer (DEVELOPER with org ${development.developerId}).`);
  }
  return viewer;
}
