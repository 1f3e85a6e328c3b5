import { forbidden, unauthenticated } from '../errors';
import { covers } from './jurisdiction';

/** One role vocabulary for every subgraph (DESIGN.md, Identity and access). */
export const ROLES = [
  'RESIDENT',
  'COMMUNITY_WORKER',
  'STREET_OFFICER',
  'DISTRICT_CIVIL_AFFAIRS',
  'CITY_ADMIN',
  'PROCUREMENT_OFFICER',
  'HOUSING_AUTHORITY',
  'DEVELOPER',
  'UNIT_ADMIN',
  'ORG_ADMIN',
  'EVALUATOR',
] as const;
export type Role = (typeof ROLES)[number];

/** Roles that act for the organisation named in the `org` claim. */
export const ORGANIZATION_ROLES: readonly Role[] = ['DEVELOPER', 'UNIT_ADMIN', 'ORG_ADMIN', 'EVALUATOR'];

/** Officers of the governance ladder, who act on everything inside their jurisdiction. */
export const OFFICER_ROLES: readonly Role[] = ['COMMUNITY_WORKER', 'STREET_OFFICER', 'DISTRICT_CIVIL_AFFAIRS', 'CITY_ADMIN'];

export interface SignedInViewer {
  anonymous: false;
  id: string;
  name: string;
  roles: Role[];
  /** Jurisdiction: a 12-digit division code. */
  area: string;
  org: string | undefined;
}
export type Viewer = { anonymous: true } | SignedInViewer;

export const ANONYMOUS: Viewer = { anonymous: true };

export function hasRole(viewer: Viewer, roles: readonly Role[]): viewer is SignedInViewer {
  return !viewer.anonymous && viewer.roles.some((role) => roles.includes(role));
}

/** Whether the viewer holds one of `roles` and its jurisdiction covers `code`. */
export function actsWithin(viewer: Viewer, roles: readonly Role[], code: string): viewer is SignedInViewer {
  return hasRole(viewer, roles) && covers(viewer.area, code);
}

export function requireSignedIn(viewer: Viewer): SignedInViewer {
  if (viewer.anonymous) throw unauthenticated();
  return viewer;
}

export function requireRole(viewer: Viewer, roles: readonly Role[], action: string): SignedInViewer {
  const signedIn = requireSignedIn(viewer);
  if (!hasRole(signedIn, roles)) throw forbidden(`${action} needs one of the roles ${roles.join(', ')}.`);
  return signedIn;
}

/** Require one of `roles` with a jurisdiction covering `code`; the single jurisdiction gate. */
export function requireJurisdiction(viewer: Viewer, roles: readonly Role[], code: string, action: string): SignedInViewer {
  const signedIn = requireRole(viewer, roles, action);
  if (!covers(signedIn.area, code)) {
    throw forbidden(`${action}: ${code} is outside your jurisdiction ${signedIn.area}.`);
  }
  return signedIn;
}
