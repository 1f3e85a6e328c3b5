import { actsWithin, hasRole, requireJurisdiction, type Role, type SignedInViewer, type Viewer } from '../../../lib/kernel/auth';
import { forbidden, unauthenticated } from '../../../lib/kernel/errors';
import { PURCHASER_ROLES } from './workflow';

/** Who may do what in procurement, in one place. Jurisdiction is always lib/kernel/auth's prefix check. */

export { PURCHASER_ROLES };

/** Officers who read procurement records of their jurisdiction (not only the purchasers). */
export const READER_ROLES: readonly Role[] = ['PROCUREMENT_OFFICER', 'DISTRICT_CIVIL_AFFAIRS', 'CITY_ADMIN'];

export function isReader(viewer: Viewer, areaCode: string): viewer is SignedInViewer {
  return actsWithin(viewer, READER_ROLES, areaCode);
}

export function requireReader(viewer: Viewer, areaCode: string, what: string): SignedInViewer {
  return requireJurisdiction(viewer, READER_ROLES, areaCode, what);
}

export function requirePurchaser(viewer: Viewer, areaCode: string, action: string): SignedInViewer {
  return requireJurisdiction(viewer, PURCHASER_ROLES, areaCode, action);
}

/** Someone acting for organisation `id` in `role` (the token's org claim). */
export function actsFor(viewer: Viewer, id: string, role: Role = 'ORG_ADMIN'): viewer is SignedInViewer {
  return hasRole(viewer, [role]) && viewer.org === id;
}

export function requireActsFor(viewer: Viewer, role: Role, action: string): SignedInViewer & { org: string } {
  if (viewer.anonymous) throw unauthenticated(`${action} needs a signed-in ${role}.`);
  if (!hasRole(viewer, [role]) || !viewer.org) throw forbidden(`${action} is for an organisation's ${role} (a token with its org claim).`);
  return viewer as SignedInViewer & { org: string };
}

/** A reader of the record's area or the organisation's own admin; anyone else is refused. */
export function requireReaderOrOwn(viewer: Viewer, areaCode: string, organizationId: string, what: string): void {
  if (viewer.anonymous) throw unauthenticated(`Sign in to see ${what}.`);
  if (!isReader(viewer, areaCode) && !actsFor(viewer, organizationId)) {
    throw forbidden(`${what} is for officers whose jurisdiction covers ${areaCode} and the organisation's own admin.`);
  }
}
