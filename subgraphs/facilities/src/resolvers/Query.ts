import { actsWithin, covers, hasRole, OFFICER_ROLES, requireSignedIn, significantPrefix } from '../../../../lib/kernel/auth';
import { daysBetween } from '../../../../lib/kernel/dates';
import { badInput, forbidden, unauthenticated } from '../../../../lib/kernel/errors';
import { requireUuid } from '../../../../lib/kernel/ids';
import { readPage, toConnection } from '../../../../lib/runtime/connections';
import { canSeeBooking, canSeeFacility } from '../access';
import type { QueryResolvers } from '../generated/graphql';
import { PUBLIC_STATUSES, type FacilityFilter } from '../models';
import { MAX_AVAILABILITY_DAYS, MAX_SEARCH_DAYS, MAX_USAGE_DAYS, timeWindow } from '../rules';

export const Query: QueryResolvers = {
  facility: async (_, { id }, { loaders, viewer }) => {
    const facility = await loaders.facility.load(requireUuid(id, 'id'));
    return facility && canSeeFacility(viewer, facility) ? facility : null;
  },

  facilities: async (_, { filter, first, after }, { store, loaders, viewer }) => {
    const page = readPage({ first, after }, ['text', 'uuid']);
    const criteria: FacilityFilter = {
      kind: filter?.kind ?? undefined,
      within: filter?.within ? significantPrefix(filter.within) : undefined,
      unitId: filter?.unitId ? requireUuid(filter.unitId, 'filter.unitId') : undefined,
      statuses: PUBLIC_STATUSES,
    };
    const status = filter?.status;
    if (status) {
      criteria.statuses = [status];
      if (!PUBLIC_STATUSES.includes(status)) {
        // Registrations not (or no longer) public: the unit sees its own, officers those in their jurisdiction.
        if (viewer.anonymous) throw unauthenticated(`Sign in to list ${status} facilities.`);
        const ownUnit = hasRole(viewer, ['UNIT_ADMIN']) && criteria.unitId !== undefined && criteria.unitId === viewer.org;
        if (!ownUnit) {
          const within = filter?.within ?? viewer.area;
          if (!actsWithin(viewer, OFFICER_ROLES, within) || !covers(viewer.area, within)) {
            throw forbidden(`${status} facilities are for their unit's admins (filter.unitId) and officers covering filter.within.`);
          }
          criteria.within = significantPrefix(within);
        }
      }
    }
    const rows = await store.facilities.page(criteria, page);
    for (const row of rows) loaders.facility.prime(row.id, row);
    return toConnection(
      rows,
      page,
      (f) => [f.name, f.id],
      () => store.facilities.count(criteria),
    );
  },

  availability: async (_, { facilityId, from, to }, { store }) => {
    const id = requireUuid(facilityId, 'facilityId');
    timeWindow(from, to, MAX_AVAILABILITY_DAYS);
    return store.availability.slots(id, from, to);
  },

  findAvailable: async (_, { kind, near, from, to, minCapacity, first, after }, { store, loaders }) => {
    timeWindow(from, to, MAX_SEARCH_DAYS);
    const capacity = minCapacity ?? 1;
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 10000) throw badInput('minCapacity', 'minCapacity is from 1 to 10000.');
    const page = readPage({ first, after }, ['int', 'text', 'uuid']);
    const search = { kind, near, from, to, minCapacity: capacity };
    const rows = await store.availability.search(search, page);
    await loaders.facility.loadMany(rows.map((row) => row.facilityId));
    return toConnection(
      rows,
      page,
      (row) => [row.rank, row.name, row.facilityId],
      () => store.availability.countSearch(search),
    );
  },

  facilityUsage: async (_, { facilityId, unitId, within, from, to }, { store }) => {
    const given = [facilityId, unitId, within].filter((v) => v !== undefined && v !== null);
    if (given.length !== 1) throw badInput('facilityId', 'Give exactly one of facilityId, unitId and within.');
    if (to < from) throw badInput('to', '`to` is on or after `from`.');
    if (daysBetween(from, to) >= MAX_USAGE_DAYS) throw badInput('to', `The period is at most ${MAX_USAGE_DAYS} days.`);
    return store.usage.between(
      {
        facilityId: facilityId ? requireUuid(facilityId, 'facilityId') : undefined,
        unitId: unitId ? requireUuid(unitId, 'unitId') : undefined,
        within: within ? significantPrefix(within) : undefined,
      },
      from,
      to,
    );
  },

  booking: async (_, { id }, { loaders, viewer }) => {
    const booking = await loaders.booking.load(requireUuid(id, 'id'));
    if (!booking) return null;
    if (viewer.anonymous) throw unauthenticated('Sign in to see a booking.');
    const facility = (await loaders.facility.load(booking.facilityId))!;
    if (!canSeeBooking(viewer, booking, facility)) throw forbidden("A booking is for its booker and the facility's managers.");
    return booking;
  },

  myBookings: async (_, { first, after }, { viewer, store, loaders }) => {
    const me = requireSignedIn(viewer);
    const page = readPage({ first, after }, ['timestamp', 'uuid']);
    const { rows, count } = await store.bookings.page({ booker: me.id }, page);
    for (const row of rows) loaders.booking.prime(row.id, row);
    return toConnection(rows, page, (b) => [b.startsAt.toISOString(), b.id], count);
  },

  myWaitlistEntries: async (_, { first, after }, { viewer, store, loaders }) => {
    const me = requireSignedIn(viewer);
    const page = readPage({ first, after }, ['timestamp', 'uuid']);
    const { rows, count } = await store.waitlist.page(me.id, page);
    for (const row of rows) loaders.waitlistEntry.prime(row.id, row);
    return toConnection(rows, page, (w) => [w.createdAt.toISOString(), w.id], count);
  },
};
