import { readPage, toConnection } from '../../../../lib/runtime/connections';
import { money } from '../../../../lib/kernel/money';
import { canSeeFacility, requireManager } from '../access';
import { facilityFeedPath } from '../calendars';
import type { FacilityResolvers } from '../generated/graphql';
import { formatClock } from '../time';

export const Facility: FacilityResolvers = {
  __resolveReference: async (reference, { loaders, viewer }) => {
    const facility = await loaders.facility.load(reference.id);
    return facility && canSeeFacility(viewer, facility) ? facility : null;
  },

  unit: (facility) => ({ id: facility.unitId }),
  community: (facility) => ({ code: facility.communityCode }),

  openingHours: async (facility, _, { loaders }) =>
    (await loaders.openingHours.load(facility.id)).map((h) => ({
      weekday: h.weekday,
      opens: formatClock(h.startMinute),
      closes: formatClock(h.endMinute),
    })),

  closures: (facility, _, { loaders }) => loaders.closures.load(facility.id),

  policy: (facility) => ({
    slotMinutes: facility.slotMinutes,
    minSlots: facility.minSlots,
    maxSlots: facility.maxSlots,
    advanceDays: facility.advanceDays,
    weeklyQuota: facility.weeklyQuota,
    approvalRequired: facility.approvalRequired,
    cancellationDeadlineHours: facility.cancelHours,
  }),

  pricePerSlot: (facility) => (facility.pricePerSlot === null ? null : money(facility.pricePerSlot)),

  calendarPath: (facility) => facilityFeedPath(facility.id),

  bookings: async (facility, { from, to, first, after }, { viewer, store, loaders }) => {
    requireManager(viewer, facility, 'bookings');
    const page = readPage({ first, after }, ['timestamp', 'uuid']);
    const { rows, count } = await store.bookings.page({ facilityId: facility.id, from: from ?? undefined, to: to ?? undefined }, page);
    for (const row of rows) loaders.booking.prime(row.id, row);
    return toConnection(rows, page, (b) => [b.startsAt.toISOString(), b.id], count);
  },

  history: (facility, _, { viewer, loaders }) => {
    requireManager(viewer, facility, 'history');
    return loaders.history.load(facility.id);
  },
};
