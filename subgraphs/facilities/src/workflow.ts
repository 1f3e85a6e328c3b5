import type { Role } from '../../../lib/kernel/auth';
import { defineWorkflow, requireText, type Transition } from '../../../lib/kernel/workflow';
import type { BookingStatus, FacilityStatus, WaitlistStatus } from './generated/prisma/enums';

/** Reviewers of a registration: the community's worker or the street's officer (jurisdiction checked by the caller). */
export const REVIEWERS: readonly Role[] = ['COMMUNITY_WORKER', 'STREET_OFFICER'];
/** The unit's admin, acting for the unit in the token's org claim (checked by the caller). */
export const UNIT: readonly Role[] = ['UNIT_ADMIN'];
/** Who books: residents for themselves, community organisations' admins for an activity. */
export const BOOKERS: readonly Role[] = ['RESIDENT', 'ORG_ADMIN'];

type Reason = { reason?: string | null };
const reason = requireText('input.reason', 'A reason');

/** One transition of either table; some steps need a reason, kept in the audit trail and shown to those affected. */
function step<State extends string>(from: State, to: State, roles: readonly Role[], needsReason = false): Transition<State, Reason> {
  return { from, to, roles, requires: needsReason ? (input) => reason(input.reason) : undefined };
}

/**
 * A registration's life. The unit submits (registering is the submission); reviewers list it or
 * return it with reasons; the unit resubmits a returned one, suspends and resumes a listed one
 * (bookings kept), and may withdraw at any point before (future bookings cancelled). WITHDRAWN
 * is final.
 */
export const facilityWorkflow = defineWorkflow<FacilityStatus, Reason>('A facility registration', [
  step<FacilityStatus>('SUBMITTED', 'LISTED', REVIEWERS),
  step<FacilityStatus>('SUBMITTED', 'RETURNED', REVIEWERS, true),
  step<FacilityStatus>('RETURNED', 'SUBMITTED', UNIT),
  step<FacilityStatus>('LISTED', 'SUSPENDED', UNIT, true),
  step<FacilityStatus>('SUSPENDED', 'LISTED', UNIT),
  step<FacilityStatus>('SUBMITTED', 'WITHDRAWN', UNIT, true),
  step<FacilityStatus>('RETURNED', 'WITHDRAWN', UNIT, true),
  step<FacilityStatus>('LISTED', 'WITHDRAWN', UNIT, true),
  step<FacilityStatus>('SUSPENDED', 'WITHDRAWN', UNIT, true),
]);

/**
 * A booking's life: PENDING (approval needed) or CONFIRMED when made; the unit approves or
 * declines a pending one and records check-in or no-show; the booker cancels before the
 * deadline (checked by the caller). A withdrawal or closure cancels outside this table, as the
 * facility's own step.
 */
export const bookingWorkflow = defineWorkflow<BookingStatus, Reason>('A booking', [
  step<BookingStatus>('PENDING', 'CONFIRMED', UNIT),
  step<BookingStatus>('PENDING', 'DECLINED', UNIT, true),
  step<BookingStatus>('PENDING', 'CANCELLED', BOOKERS),
  step<BookingStatus>('CONFIRMED', 'CANCELLED', BOOKERS),
  step<BookingStatus>('CONFIRMED', 'CHECKED_IN', UNIT),
  step<BookingStatus>('CONFIRMED', 'NO_SHOW', UNIT),
]);

/**
 * A waiting-list entry's life (候补): WAITING when joined; the booker may always leave while
 * waiting. Promotion and expiry are side effects of another party's step (a cancellation, a
 * decline, a no-show, a capacity raise; a closure or withdrawal), taken by the store under the
 * facility's lock; the roles are those whose steps cause them. PROMOTED, LEFT and EXPIRED are final.
 */
export const waitlistWorkflow = defineWorkflow<WaitlistStatus, Reason>('A waiting-list entry', [
  step<WaitlistStatus>('WAITING', 'LEFT', BOOKERS),
  step<WaitlistStatus>('WAITING', 'PROMOTED', [...BOOKERS, ...UNIT]),
  step<WaitlistStatus>('WAITING', 'EXPIRED', [...BOOKERS, ...UNIT]),
]);
