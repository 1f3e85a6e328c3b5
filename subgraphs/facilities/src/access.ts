import { actsWithin, hasRole, OFFICER_ROLES, type SignedInViewer, type Viewer } from '../../../lib/kernel/auth';
import { forbidden, unauthenticated } from '../../../lib/kernel/errors';
import type { BookingModel, FacilityModel } from './models';
import { PUBLIC_STATUSES } from './models';

/** Who may see and do what with a facility and its bookings, in one place. */

/** An admin acting for the facility's own unit (UNIT_ADMIN with the unit in its org claim). */
export function isUnitAdmin(viewer: Viewer, facility: FacilityModel): viewer is SignedInViewer {
  return hasRole(viewer, ['UNIT_ADMIN']) && viewer.org === facility.unitId;
}

/** An officer whose jurisdiction covers the facility's community. */
export function coversFacility(viewer: Viewer, facility: FacilityModel): viewer is SignedInViewer {
  return actsWithin(viewer, OFFICER_ROLES, facility.communityCode);
}

/** The unit and the officers covering the community manage: they read bookings and history. */
export function canManage(viewer: Viewer, facility: FacilityModel): viewer is SignedInViewer {
  return isUnitAdmin(viewer, facility) || coversFacility(viewer, facility);
}

/** Listed and suspended facilities are public; the rest only for those who manage them. */
export function canSeeFacility(viewer: Viewer, facility: FacilityModel): boolean {
  return PUBLIC_STATUSES.includes(facility.status) || canManage(viewer, facility);
}

export function isBooker(viewer: Viewer, booking: BookingModel): viewer is SignedInViewer {
  return !viewer.anonymous && viewer.id === booking.booker;
}

export function canSeeBooking(viewer: Viewer, booking: BookingModel, facility: FacilityModel): boolean {
  return isBooker(viewer, booking) || canManage(viewer, facility);
}

export function requireManager(viewer: Viewer, facility: FacilityModel, what: string): SignedInViewer {
  if (viewer.anonymous) throw unauthenticated(`Sign in to see a facility's ${what}.`);
  if (!canManage(viewer, facility)) {
    throw forbidden(`Facility ${facility.id}'s ${what} are for its unit's admins and officers covering ${facility.communityCode}.`);
  }
  return viewer;
}

export function requireUnitAdmin(viewer: Viewer, facility: FacilityModel, action: string): SignedInViewer {
  if (viewer.anonymous) throw unauthenticated(`${action} needs the unit's admin to sign in.`);
  if (!isUnitAdmin(viewer, facility)) throw forbidden(`${action} is for the admins of unit ${facility.unitId} (UNIT_ADMIN with its org).`);
  return viewer;
}
