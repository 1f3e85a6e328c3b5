import type DataLoader from 'dataloader';
import { actorOf } from '../../../../lib/kernel/actor';
import { hasRole, requireJurisdiction, requireRole, requireSignedIn, type Viewer } from '../../../../lib/kernel/auth';
import { conflict, forbidden, notFound } from '../../../../lib/kernel/errors';
import { requireUuid } from '../../../../lib/kernel/ids';
import { optionalText } from '../../../../lib/kernel/text';
import { requireVersion } from '../../../../lib/kernel/versions';
import { canSeeFacility, isBooker, requireUnitAdmin } from '../access';
import { bookerFeedPath, newCalendarSecret } from '../calendars';
import type { Context } from '../context';
import type { MutationResolvers } from '../generated/graphql';
import type { BookingModel, FacilityModel } from '../models';
import {
  bookingRule,
  cancellableUntil,
  closureOf,
  validateBooking,
  validateFacilityChanges,
  validateNewFacility,
  waitlistRule,
} from '../rules';
import { bookingWorkflow, BOOKERS, facilityWorkflow, REVIEWERS, UNIT, waitlistWorkflow } from '../workflow';

const MAX_REASON = 500;

async function existingFacility(id: string, field: string, { loaders, viewer }: Context): Promise<FacilityModel> {
  const facility = await loaders.facility.load(requireUuid(id, field));
  if (!facility || !canSeeFacility(viewer, facility)) throw notFound(`No facility ${id} (${field}).`);
  return facility;
}

async function existingBooking(id: string, context: Context): Promise<{ booking: BookingModel; facility: FacilityModel }> {
  const booking = await context.loaders.booking.load(requireUuid(id, 'input.id'));
  if (!booking) throw notFound(`No booking ${id}.`);
  return { booking, facility: (await context.loaders.facility.load(booking.facilityId))! };
}

function refreshed<T extends { id: string }>(loader: DataLoader<string, T | null>, row: T): T {
  loader.clear(row.id).prime(row.id, row);
  return row;
}

/** Who books or waits: a resident for themselves, or an organisation's admin for its own organisation. */
function bookerOf(viewer: Viewer, organization: string | null | undefined, action: string) {
  const booker = requireRole(viewer, BOOKERS, action);
  const organizationId = organization ? requireUuid(organization, 'input.organizationId') : null;
  if (organizationId) {
    if (!hasRole(booker, ['ORG_ADMIN']) || booker.org !== organizationId) {
      throw forbidden(`Booking for organisation ${organizationId} is for its own admin (ORG_ADMIN with its org).`);
    }
  } else if (!hasRole(booker, ['RESIDENT'])) {
    throw forbidden('An organisation admin books for the organisation: give input.organizationId.');
  }
  return { booker, organizationId };
}

/** How long before the start a unit may record a check-in. */
const CHECK_IN_OPENS_MS = 30 * 60_000;

export const Mutation: MutationResolvers = {
  registerFacility: async (_, { input }, context) => {
    const { viewer, store, loaders, requestId } = context;
    const unitAdmin = requireRole(viewer, UNIT, 'Registering a facility');
    const facility = validateNewFacility(input);
    if (unitAdmin.org !== facility.unitId) throw forbidden(`You act for unit ${unitAdmin.org ?? '(none)'}, not ${facility.unitId}.`);
    return { facility: refreshed(loaders.facility, await store.facilities.register(facility, actorOf(unitAdmin, requestId))) };
  },

  updateFacility: async (_, { input }, context) => {
    const { viewer, store, loaders, requestId } = context;
    const current = await existingFacility(input.id, 'input.id', context);
    const unitAdmin = requireUnitAdmin(viewer, current, 'Changing a facility');
    const changes = validateFacilityChanges(input, current);
    const facility = await store.facilities.update(current.id, input.expectedVersion, changes, actorOf(unitAdmin, requestId));
    loaders.openingHours.clear(facility.id);
    loaders.history.clear(facility.id);
    return { facility: refreshed(loaders.facility, facility) };
  },

  changeFacilityStatus: async (_, { input }, context) => {
    const { viewer, store, loaders, requestId } = context;
    const current = await existingFacility(input.id, 'input.id', context);
    const reason = optionalText(input.reason, 'input.reason', MAX_REASON);
    const signedIn = requireSignedIn(viewer);
    const { facility, cancelledBookings } = await store.facilities.changeStatus(
      current.id,
      input.to,
      reason,
      requireVersion(input.expectedVersion),
      (row) => {
        const step = facilityWorkflow.check(viewer, row.status, input.to, { reason });
        if (step.roles === REVIEWERS) requireJurisdiction(viewer, REVIEWERS, row.communityCode, 'Reviewing a facility');
        else requireUnitAdmin(viewer, row, "Changing a facility's status");
      },
      actorOf(signedIn, requestId),
    );
    loaders.history.clear(facility.id);
    return { facility: refreshed(loaders.facility, facility), cancelledBookings };
  },

  addFacilityClosure: async (_, { input }, context) => {
    const { viewer, store, loaders, requestId } = context;
    const current = await existingFacility(input.facilityId, 'input.facilityId', context);
    const unitAdmin = requireUnitAdmin(viewer, current, 'Closing a facility');
    if (current.status === 'WITHDRAWN') throw conflict(`Facility ${current.id} is withdrawn.`, { field: 'input.facilityId' });
    const closure = closureOf(input.closure, 'input.closure');
    const result = await store.closures.add(current, closure, actorOf(unitAdmin, requestId));
    loaders.closures.clear(current.id);
    return { facility: refreshed(loaders.facility, result.facility), cancelledBookings: result.cancelledBookings };
  },

  bookFacility: async (_, { input }, context) => {
    const { viewer, store, loaders, requestId } = context;
    const { booker, organizationId } = bookerOf(viewer, input.organizationId, 'Booking a facility');
    const facility = await existingFacility(input.facilityId, 'input.facilityId', context);
    const valid = validateBooking(input, facility, new Date(), store.timeZone);
    const booking = await store.bookings.book(
      { facility, booker: booker.id, bookerOrg: organizationId, ...valid },
      bookingRule(facility, valid),
      actorOf(booker, requestId),
    );
    return { booking: refreshed(loaders.booking, booking) };
  },

  decideBooking: async (_, { input }, context) => {
    const { viewer, store, loaders, requestId } = context;
    const { facility } = await existingBooking(input.id, context);
    const unitAdmin = requireUnitAdmin(viewer, facility, 'Deciding on a booking');
    const reason = optionalText(input.reason, 'input.reason', MAX_REASON);
    const to = input.approve ? 'CONFIRMED' : 'DECLINED';
    const booking = await store.bookings.change(
      input.id,
      input.expectedVersion ?? undefined,
      (row) => {
        bookingWorkflow.check(viewer, row.status, to, { reason });
        return { status: to, reason, action: input.approve ? 'APPROVE' : 'DECLINE' };
      },
      actorOf(unitAdmin, requestId),
    );
    return { booking: refreshed(loaders.booking, booking) };
  },

  cancelBooking: async (_, { input }, context) => {
    const { viewer, store, loaders, requestId } = context;
    const { booking: current } = await existingBooking(input.id, context);
    const signedIn = requireSignedIn(viewer);
    if (!isBooker(viewer, current)) throw forbidden('Only the booker cancels a booking; the unit declines pending ones.');
    const reason = optionalText(input.reason, 'input.reason', MAX_REASON);
    const booking = await store.bookings.change(
      current.id,
      input.expectedVersion ?? undefined,
      (row, facility) => {
        bookingWorkflow.check(viewer, row.status, 'CANCELLED', { reason });
        const deadline = cancellableUntil(row.startsAt, facility);
        if (new Date() > deadline) {
          throw conflict(
            `The cancellation deadline passed at ${deadline.toISOString()} (${facility.cancelHours} hours before the start).`,
            {
              field: 'input.id',
              rule: 'CANCELLATION_DEADLINE',
            },
          );
        }
        return { status: 'CANCELLED', reason, action: 'CANCEL' };
      },
      actorOf(signedIn, requestId),
    );
    return { booking: refreshed(loaders.booking, booking) };
  },

  recordAttendance: async (_, { input }, context) => {
    const { viewer, store, loaders, requestId } = context;
    const { facility } = await existingBooking(input.id, context);
    const unitAdmin = requireUnitAdmin(viewer, facility, 'Recording attendance');
    const to = input.attended ? 'CHECKED_IN' : 'NO_SHOW';
    const booking = await store.bookings.change(
      input.id,
      input.expectedVersion ?? undefined,
      (row) => {
        bookingWorkflow.check(viewer, row.status, to, {});
        const opens = input.attended ? row.startsAt.getTime() - CHECK_IN_OPENS_MS : row.startsAt.getTime();
        if (Date.now() < opens) {
          throw conflict(
            input.attended ? 'Check-in opens 30 minutes before the start.' : 'A no-show is recorded once the booking has started.',
            { field: 'input.attended', rule: 'ATTENDANCE_TIME' },
          );
        }
        return { status: to, reason: null, action: input.attended ? 'CHECK_IN' : 'NO_SHOW' };
      },
      actorOf(unitAdmin, requestId),
    );
    return { booking: refreshed(loaders.booking, booking) };
  },

  joinWaitlist: async (_, { input }, context) => {
    const { viewer, store, loaders, requestId } = context;
    const { booker, organizationId } = bookerOf(viewer, input.organizationId, 'Joining a waiting list');
    const facility = await existingFacility(input.facilityId, 'input.facilityId', context);
    const valid = validateBooking(input, facility, new Date(), store.timeZone);
    const entry = await store.waitlist.join(
      { facility, booker: booker.id, bookerOrg: organizationId, ...valid },
      waitlistRule(facility, valid),
      actorOf(booker, requestId),
    );
    return { entry: refreshed(loaders.waitlistEntry, entry) };
  },

  leaveWaitlist: async (_, { input }, context) => {
    const { viewer, store, loaders, requestId } = context;
    const signedIn = requireSignedIn(viewer);
    const reason = optionalText(input.reason, 'input.reason', MAX_REASON);
    const entry = await store.waitlist.leave(
      requireUuid(input.id, 'input.id'),
      input.expectedVersion ?? undefined,
      reason,
      (row) => {
        // Someone else's entry is not there for the caller.
        if (row.booker !== signedIn.id) throw notFound(`No waiting-list entry ${input.id}.`);
        waitlistWorkflow.check(viewer, row.status, 'LEFT', { reason });
      },
      actorOf(signedIn, requestId),
    );
    return { entry: refreshed(loaders.waitlistEntry, entry) };
  },

  rotateCalendarSecret: async (_, { input }, { viewer, store, requestId }) => {
    const signedIn = requireSignedIn(viewer);
    const reason = optionalText(input.reason, 'input.reason', MAX_REASON);
    const { secret, hash } = newCalendarSecret();
    await store.calendars.rotateSecret(signedIn.id, hash, reason, actorOf(signedIn, requestId));
    return { calendarPath: bookerFeedPath(secret) };
  },
};
