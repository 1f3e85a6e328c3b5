import { ANONYMOUS, OFFICER_ROLES } from '../../../lib/kernel/auth';
import { viewer } from '../../../test/support/tokens';
import { refusal } from '../../../test/support/refusal';
import {
  canManage,
  canSeeBooking,
  canSeeFacility,
  coversFacility,
  isBooker,
  isUnitAdmin,
  requireManager,
  requireUnitAdmin,
} from '../src/access';
import type { BookingModel } from '../src/models';
import { COMMUNITY, facility, UNIT } from './fixtures';

/** Who may see and do what with a facility and its bookings, one edge at a time (the end-to-end tests run it through the graph). */

const OTHER_UNIT = 'ffffffff-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

const booking = (overrides: Partial<BookingModel> = {}): BookingModel => ({
  id: 'b0000000-0000-4000-8000-000000000001',
  facilityId: 'f0000000-0000-4000-8000-000000000001',
  booker: 'resident-1',
  bookerOrg: null,
  startsAt: new Date('2026-06-16T02:00:00Z'),
  endsAt: new Date('2026-06-16T04:00:00Z'),
  quantity: 1,
  purpose: null,
  status: 'CONFIRMED',
  statusReason: null,
  price: null,
  version: 1,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...overrides,
});

const unitAdmin = viewer({ roles: ['UNIT_ADMIN'], area: '510104000000', org: UNIT, id: 'unit-admin-1' });
const otherUnitAdmin = viewer({ roles: ['UNIT_ADMIN'], area: '510104000000', org: OTHER_UNIT });
const orgAdminOfUnit = viewer({ roles: ['ORG_ADMIN'], area: '510104000000', org: UNIT });
const worker = viewer({ roles: ['COMMUNITY_WORKER'], area: COMMUNITY });
const otherStreet = viewer({ roles: ['STREET_OFFICER'], area: '510104002000' });
const resident = viewer({ roles: ['RESIDENT'], area: COMMUNITY, id: 'resident-1' });
const otherResident = viewer({ roles: ['RESIDENT'], area: COMMUNITY, id: 'resident-2' });

describe('managers', () => {
  test("the unit's admin: UNIT_ADMIN with the unit as its org", () => {
    expect(isUnitAdmin(unitAdmin, facility())).toBe(true);
    expect(isUnitAdmin(otherUnitAdmin, facility())).toBe(false);
    expect(isUnitAdmin(orgAdminOfUnit, facility())).toBe(false);
    expect(isUnitAdmin(viewer({ roles: ['UNIT_ADMIN'], area: '510104000000' }), facility())).toBe(false);
    expect(isUnitAdmin(ANONYMOUS, facility())).toBe(false);
  });

  test('each officer of the ladder covering the community, and no one outside it', () => {
    for (const role of OFFICER_ROLES) expect(coversFacility(viewer({ roles: [role], area: '510104000000' }), facility())).toBe(true);
    expect(coversFacility(otherStreet, facility())).toBe(false);
    expect(coversFacility(viewer({ roles: ['RESIDENT'], area: COMMUNITY }), facility())).toBe(false);
    expect(coversFacility(ANONYMOUS, facility())).toBe(false);
  });

  test('managers are the unit admin and the covering officers', () => {
    expect(canManage(unitAdmin, facility())).toBe(true);
    expect(canManage(worker, facility())).toBe(true);
    expect(canManage(otherUnitAdmin, facility())).toBe(false);
    expect(canManage(otherStreet, facility())).toBe(false);
    expect(canManage(ANONYMOUS, facility())).toBe(false);
  });
});

describe('seeing facilities and bookings', () => {
  test('listed and suspended facilities are public; the rest only for managers', () => {
    expect(canSeeFacility(ANONYMOUS, facility({ status: 'LISTED' }))).toBe(true);
    expect(canSeeFacility(ANONYMOUS, facility({ status: 'SUSPENDED' }))).toBe(true);
    for (const status of ['SUBMITTED', 'RETURNED', 'WITHDRAWN'] as const) {
      expect(canSeeFacility(ANONYMOUS, facility({ status }))).toBe(false);
      expect(canSeeFacility(otherUnitAdmin, facility({ status }))).toBe(false);
      expect(canSeeFacility(unitAdmin, facility({ status }))).toBe(true);
      expect(canSeeFacility(worker, facility({ status }))).toBe(true);
    }
  });

  test('a booking is seen by its booker and by managers', () => {
    expect(isBooker(resident, booking())).toBe(true);
    expect(isBooker(otherResident, booking())).toBe(false);
    expect(isBooker(ANONYMOUS, booking())).toBe(false);
    expect(canSeeBooking(resident, booking(), facility())).toBe(true);
    expect(canSeeBooking(unitAdmin, booking(), facility())).toBe(true);
    expect(canSeeBooking(worker, booking(), facility())).toBe(true);
    expect(canSeeBooking(otherResident, booking(), facility())).toBe(false);
    expect(canSeeBooking(otherStreet, booking(), facility())).toBe(false);
    expect(canSeeBooking(ANONYMOUS, booking(), facility())).toBe(false);
  });
});

describe('requirements', () => {
  test('requireManager: signed in, then a manager', () => {
    expect(requireManager(unitAdmin, facility(), 'bookings')).toBe(unitAdmin);
    expect(requireManager(worker, facility(), 'bookings')).toBe(worker);
    expect(refusal(() => requireManager(ANONYMOUS, facility(), 'bookings'))).toEqual({
      code: 'UNAUTHENTICATED',
      message: "Sign in to see a facility's bookings.",
    });
    expect(refusal(() => requireManager(otherStreet, facility(), 'bookings'))).toEqual({
      code: 'FORBIDDEN',
      message: `Facility f0000000-0000-4000-8000-000000000001's bookings are for its unit's admins and officers covering ${COMMUNITY}.`,
    });
  });

  test("requireUnitAdmin: signed in, then the unit's own admin (an officer is not enough)", () => {
    expect(requireUnitAdmin(unitAdmin, facility(), 'Suspending')).toBe(unitAdmin);
    expect(refusal(() => requireUnitAdmin(ANONYMOUS, facility(), 'Suspending'))).toEqual({
      code: 'UNAUTHENTICATED',
      message: "Suspending needs the unit's admin to sign in.",
    });
    for (const caller of [otherUnitAdmin, worker, orgAdminOfUnit]) {
      expect(refusal(() => requireUnitAdmin(caller, facility(), 'Suspending'))).toEqual({
        code: 'FORBIDDEN',
        message: `Suspending is for the admins of unit ${UNIT} (UNIT_ADMIN with its org).`,
      });
    }
  });
});
