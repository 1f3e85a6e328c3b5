import { isAreaCode, levelOfCode } from '../../../lib/kernel/auth';
import { addDays, daysBetween } from '../../../lib/kernel/dates';
import { badInput, conflict, ruleBroken } from '../../../lib/kernel/errors';
import { requireUuid } from '../../../lib/kernel/ids';
import { fromFen, parseYuan, toFen } from '../../../lib/kernel/money';
import { optionalText, requiredText } from '../../../lib/kernel/text';
import type {
  BookFacilityInput,
  BookingPolicyInput,
  ClosureInput,
  OpeningIntervalInput,
  RegisterFacilityInput,
  UpdateFacilityInput,
} from './generated/graphql';
import type { BookingCheck, BookingRule, FacilityChanges, FacilityModel, NewFacility, PromotionVerdict } from './models';
import { localTime, parseClock } from './time';

/** The facility network's input and booking rules, apart from GraphQL plumbing. */

const MAX_NAME = 100;
const MAX_TEXT = 500;
const MAX_INTERVALS = 42;
const MAX_CLOSURES = 100;
const SMALLINT_MAX = 32767;
/** Longest window of one availability read, and of one search. */
export const MAX_AVAILABILITY_DAYS = 31;
export const MAX_SEARCH_DAYS = 14;
export const MAX_USAGE_DAYS = 366;

function whole(value: number, field: string, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw badInput(field, `${what} must be a whole number from ${min} to ${max}.`);
  return value;
}

export function communityCode(code: string, field: string): string {
  if (!isAreaCode(code) || levelOfCode(code) !== 'COMMUNITY') throw badInput(field, `${code} is not a community's 12-digit code.`);
  return code;
}

export function closureOf(input: ClosureInput, field: string): { startsOn: string; endsOn: string; reason: string } {
  if (input.endsOn < input.startsOn) throw badInput(`${field}.endsOn`, 'A closure ends on or after the day it starts.');
  if (daysBetween(input.startsOn, input.endsOn) > 366)
    throw badInput(`${field}.endsOn`, 'A closure lasts at most 366 days; withdraw the facility instead.');
  return { startsOn: input.startsOn, endsOn: input.endsOn, reason: requiredText(input.reason, `${field}.reason`, MAX_TEXT, 'The reason') };
}

type Policy = Pick<
  NewFacility,
  'slotMinutes' | 'minSlots' | 'maxSlots' | 'advanceDays' | 'weeklyQuota' | 'approvalRequired' | 'cancelHours'
>;
type OpeningInterval = NewFacility['openingHours'][number];

function validatePolicy(policy: BookingPolicyInput): Policy {
  const slotMinutes = whole(policy.slotMinutes, 'input.policy.slotMinutes', 5, 1440, 'The slot length');
  if (1440 % slotMinutes !== 0)
    throw badInput('input.policy.slotMinutes', 'The slot length must divide a day (15, 30, 60, 120 … minutes).');
  const minSlots = whole(policy.minSlots, 'input.policy.minSlots', 1, SMALLINT_MAX, 'The shortest booking');
  const maxSlots = whole(
    policy.maxSlots,
    'input.policy.maxSlots',
    minSlots,
    SMALLINT_MAX,
    'The longest booking (in slots, at least the shortest)',
  );
  if (maxSlots * slotMinutes > 7 * 1440) throw badInput('input.policy.maxSlots', 'A booking lasts at most seven days.');
  return {
    slotMinutes,
    minSlots,
    maxSlots,
    advanceDays: whole(policy.advanceDays, 'input.policy.advanceDays', 1, 366, 'How far ahead (days)'),
    weeklyQuota: whole(policy.weeklyQuota, 'input.policy.weeklyQuota', 1, 1000, 'The weekly quota'),
    approvalRequired: policy.approvalRequired,
    cancelHours: whole(
      policy.cancellationDeadlineHours,
      'input.policy.cancellationDeadlineHours',
      0,
      720,
      'The cancellation deadline (hours)',
    ),
  };
}

function validateOpeningHours(intervals: readonly OpeningIntervalInput[], slotMinutes: number): OpeningInterval[] {
  if (intervals.length === 0) throw badInput('input.openingHours', 'Give the opening hours of at least one weekday.');
  if (intervals.length > MAX_INTERVALS) throw badInput('input.openingHours', `At most ${MAX_INTERVALS} intervals.`);
  const openingHours = intervals.map((interval, i) => {
    const field = `input.openingHours.${i}`;
    const weekday = whole(interval.weekday, `${field}.weekday`, 1, 7, 'The weekday (1 Monday … 7 Sunday)');
    const startMinute = parseClock(interval.opens, false);
    const endMinute = parseClock(interval.closes, true);
    if (startMinute === undefined) throw badInput(`${field}.opens`, 'Opening time is HH:MM, 00:00 to 23:59.');
    if (endMinute === undefined) throw badInput(`${field}.closes`, 'Closing time is HH:MM, 00:01 to 24:00.');
    if (endMinute <= startMinute)
      throw badInput(
        `${field}.closes`,
        'An interval closes after it opens; for hours across midnight give two intervals (…–24:00 and 00:00–…).',
      );
    if (startMinute % slotMinutes !== 0) throw badInput(`${field}.opens`, `Opening times fall on ${slotMinutes}-minute slot boundaries.`);
    if (endMinute % slotMinutes !== 0) throw badInput(`${field}.closes`, `Closing times fall on ${slotMinutes}-minute slot boundaries.`);
    return { weekday, startMinute, endMinute };
  });
  const sorted = [...openingHours].sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.weekday === sorted[i - 1]!.weekday && sorted[i]!.startMinute < sorted[i - 1]!.endMinute) {
      throw badInput('input.openingHours', `Intervals on weekday ${sorted[i]!.weekday} overlap.`);
    }
  }
  return openingHours;
}

const capacityOf = (value: number) => whole(value, 'input.capacity', 1, 10000, 'The capacity');
const priceOf = (value: string | null | undefined) =>
  value === undefined || value === null ? null : parseYuan(value, 'input.pricePerSlot');

export function validateNewFacility(input: RegisterFacilityInput): NewFacility {
  const policy = validatePolicy(input.policy);
  const openingHours = validateOpeningHours(input.openingHours, policy.slotMinutes);
  const closures = input.closures ?? [];
  if (closures.length > MAX_CLOSURES) throw badInput('input.closures', `At most ${MAX_CLOSURES} closures.`);
  return {
    unitId: requireUuid(input.unitId, 'input.unitId'),
    communityCode: communityCode(input.communityCode, 'input.communityCode'),
    kind: input.kind,
    name: requiredText(input.name, 'input.name', MAX_NAME, 'The name'),
    address: requiredText(input.address, 'input.address', MAX_TEXT, 'The address'),
    capacity: capacityOf(input.capacity),
    ...policy,
    pricePerSlot: priceOf(input.pricePerSlot),
    accessibility: optionalText(input.accessibility, 'input.accessibility', MAX_TEXT),
    openingHours,
    closures: closures.map((c, i) => closureOf(c, `input.closures.${i}`)),
  };
}

/**
 * The changes an update asks for, checked as registration checks them; absent fields stay.
 * A new slot length must come with opening hours on its boundaries, since the stored hours
 * were checked against the old one.
 */
export function validateFacilityChanges(input: UpdateFacilityInput, current: FacilityModel): FacilityChanges {
  const changes: FacilityChanges = {};
  if (input.name != null) changes.name = requiredText(input.name, 'input.name', MAX_NAME, 'The name');
  if (input.address != null) changes.address = requiredText(input.address, 'input.address', MAX_TEXT, 'The address');
  if (input.capacity != null) changes.capacity = capacityOf(input.capacity);
  if (input.policy != null) Object.assign(changes, validatePolicy(input.policy));
  const slotMinutes = changes.slotMinutes ?? current.slotMinutes;
  if (input.openingHours != null) changes.openingHours = validateOpeningHours(input.openingHours, slotMinutes);
  else if (slotMinutes !== current.slotMinutes) {
    throw badInput('input.openingHours', `A new slot length (${slotMinutes} minutes) needs the opening hours restated on its boundaries.`);
  }
  if (input.pricePerSlot !== undefined) changes.pricePerSlot = priceOf(input.pricePerSlot);
  if (input.accessibility !== undefined) changes.accessibility = optionalText(input.accessibility, 'input.accessibility', MAX_TEXT);
  if (Object.keys(changes).length === 0) throw badInput('input', 'Give at least one field to change.');
  return changes;
}

export interface ValidBooking {
  startsAt: Date;
  endsAt: Date;
  quantity: number;
  purpose: string | null;
  slots: number;
  price: string | null;
}

/**
 * The rules a booking request must meet before the database is asked: slot alignment, length,
 * how far ahead, quantity. Each refusal names its rule in `extensions.rule`.
 */
export function validateBooking(input: BookFacilityInput, facility: FacilityModel, now: Date, timeZone: string): ValidBooking {
  if (facility.status !== 'LISTED') {
    throw conflict(
      facility.status === 'SUSPENDED'
        ? `Facility ${facility.id} is suspended${facility.statusReason ? `: ${facility.statusReason}` : ''}; it takes no new bookings.`
        : `Facility ${facility.id} is ${facility.status}, not listed; it takes no bookings.`,
      { field: 'input.facilityId', rule: 'FACILITY_LISTED' },
    );
  }
  const startsAt = input.startsAt;
  const endsAt = input.endsAt;
  if (Number.isNaN(startsAt.getTime()) || Number.isNaN(endsAt.getTime()))
    throw ruleBroken('TIMES', 'Give real instants.', 'input.startsAt');
  if (endsAt <= startsAt) throw ruleBroken('TIMES', 'A booking ends after it starts.', 'input.endsAt');
  const slot = facility.slotMinutes;
  for (const [instant, field] of [
    [startsAt, 'input.startsAt'],
    [endsAt, 'input.endsAt'],
  ] as const) {
    const local = localTime(instant, timeZone);
    if (local.second !== 0 || local.minute % slot !== 0) {
      throw ruleBroken('SLOT_ALIGNMENT', `Bookings start and end on ${slot}-minute slot boundaries (local time in ${timeZone}).`, field);
    }
  }
  const minutes = (endsAt.getTime() - startsAt.getTime()) / 60_000;
  const slots = Math.round(minutes / slot);
  if (slots < facility.minSlots)
    throw ruleBroken('MIN_LENGTH', `The shortest booking here is ${facility.minSlots * slot} minutes.`, 'input.endsAt');
  if (slots > facility.maxSlots)
    throw ruleBroken('MAX_LENGTH', `The longest booking here is ${facility.maxSlots * slot} minutes.`, 'input.endsAt');
  if (startsAt < now) throw ruleBroken('IN_PAST', 'A booking cannot start in the past.', 'input.startsAt');
  const today = localTime(now, timeZone).date;
  const lastDay = addDays(today, facility.advanceDays);
  if (localTime(startsAt, timeZone).date > lastDay) {
    throw ruleBroken(
      'ADVANCE_WINDOW',
      `Bookings open ${facility.advanceDays} days ahead: the latest start day is ${lastDay}.`,
      'input.startsAt',
    );
  }
  const quantity = input.quantity ?? 1;
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > facility.capacity) {
    throw ruleBroken('QUANTITY', `Book from 1 to ${facility.capacity} (the capacity).`, 'input.quantity');
  }
  return {
    startsAt,
    endsAt,
    quantity,
    purpose: optionalText(input.purpose, 'input.purpose', MAX_TEXT),
    slots,
    price: bookingPrice(facility, slots, quantity),
  };
}

/** What `slots` slots of `quantity` places cost, exact yuan; null when the facility is free. */
export function bookingPrice(facility: FacilityModel, slots: number, quantity: number): string | null {
  return facility.pricePerSlot === null ? null : fromFen(toFen(facility.pricePerSlot) * BigInt(slots * quantity));
}

/** The rules the database answers inside the booking's transaction: status, hours, closures, quota, capacity. */
export function bookingRule(facility: FacilityModel, booking: ValidBooking): BookingRule {
  return (found) => {
    if (found.status !== 'LISTED') {
      throw conflict(`Facility ${facility.id} is ${found.status} now; it takes no new bookings.`, {
        field: 'input.facilityId',
        rule: 'FACILITY_LISTED',
      });
    }
    if (found.closedReason !== null) throw ruleBroken('CLOSURE', `The facility is closed then: ${found.closedReason}`, 'input.startsAt');
    if (found.openSlots !== booking.slots) {
      throw ruleBroken('OPENING_HOURS', 'The booking must lie inside the opening hours (local time), every slot of it.', 'input.startsAt');
    }
    if (found.weekBookings >= facility.weeklyQuota) {
      throw conflict(`You already hold ${found.weekBookings} booking(s) here that week; the quota is ${facility.weeklyQuota} a week.`, {
        field: 'input.startsAt',
        rule: 'WEEKLY_QUOTA',
      });
    }
    if (found.peakUsed + booking.quantity > facility.capacity) {
      throw conflict(
        `Not enough free capacity then: ${facility.capacity - found.peakUsed} of ${facility.capacity} free at the busiest slot.`,
        {
          field: 'input.startsAt',
          rule: 'CAPACITY',
        },
      );
    }
  };
}

/**
 * Joining an interval's waiting list: every booking rule but capacity must hold (a booker who
 * could never be promoted is told why now), and the interval must really be full, else the
 * booker is told to book it (NOT_FULL).
 */
export function waitlistRule(facility: FacilityModel, booking: ValidBooking): BookingRule {
  const book = bookingRule(facility, booking);
  return (found) => {
    book({ ...found, peakUsed: 0 });
    if (found.peakUsed + booking.quantity <= facility.capacity) {
      throw conflict(`There is room then (${facility.capacity - found.peakUsed} free): book it instead of waiting.`, {
        field: 'input.startsAt',
        rule: 'NOT_FULL',
      });
    }
  };
}

/**
 * Whether a waiting entry may be promoted now, by the booking rules. Rules that may hold later
 * (capacity, the weekly quota) keep it waiting, still first in line; rules that will not (a
 * closure or the opening hours on its interval) expire it with the reason, so the booker knows.
 */
export function promotionVerdict(
  facility: FacilityModel,
  entry: { quantity: number; slots: number },
  found: BookingCheck,
): PromotionVerdict {
  if (found.closedReason !== null)
    return { outcome: 'EXPIRE', rule: 'CLOSURE', reason: `闭馆 The facility is closed then: ${found.closedReason}` };
  if (found.openSlots !== entry.slots) {
    return { outcome: 'EXPIRE', rule: 'OPENING_HOURS', reason: 'The interval is no longer inside the opening hours.' };
  }
  if (found.weekBookings >= facility.weeklyQuota) {
    return { outcome: 'KEEP', rule: 'WEEKLY_QUOTA', reason: `The booker holds the weekly quota (${facility.weeklyQuota}) that week.` };
  }
  if (found.peakUsed + entry.quantity > facility.capacity) {
    return { outcome: 'KEEP', rule: 'CAPACITY', reason: `${facility.capacity - found.peakUsed} free, ${entry.quantity} wanted.` };
  }
  return { outcome: 'PROMOTE' };
}

/** The cancellation deadline: this many hours before the start. */
export function cancellableUntil(startsAt: Date, facility: FacilityModel): Date {
  return new Date(startsAt.getTime() - facility.cancelHours * 3_600_000);
}

/** A DateTime window: ordered and not longer than `maxDays`. */
export function timeWindow(from: Date, to: Date, maxDays: number): void {
  if (!(to > from)) throw badInput('to', '`to` must be after `from`.');
  if (to.getTime() - from.getTime() > maxDays * 86_400_000) throw badInput('to', `The window is at most ${maxDays} days.`);
}
