import type { Role } from '../../../lib/auth';
import { defineWorkflow, requireText, type Transition } from '../../../lib/workflow';
import type { BookingStatus, FacilityStatus } from './generated/prisma/enums';

/** Reviewers of a registration: the community's worker or the street's officer (jurisdiction checked by the caller). */
export const REVIEWERS: readonly Role[] = ['COMMUNITY_WORKER', 'STREET_OFFICER'];
/** The unit's admin, acting for the unit in the token's org claim (checked by the caller). */
export const UNIT: readonly Role[] = ['UNIT_ADMIN'];
/** Who books: residents for themselves, community organisations' admins for an activity. */
export const BOOKERS: readonly Role[] = ['RESIDENT', 'ORG_ADMIN'];

type Reason = { reason?: string | null };
const reason = requireText('input.reason', 'A reason');

function facilityStep(from: FacilityStatus, to: FacilityStatus, roles: readonly Role[], needsReason = false): Transition<FacilityStatus, Reason> {
  return { from, to, roles, requires: needsReason ? (input) => reason(input.reason) : undefined };
}

/**
 * A registration's life. The unit submits (registering is the submission); reviewers list it or
 * return it with reasons; the unit resubmits a returned one, suspends and resumes a listed one
 * (bookings kept), and may withdraw at any point before (future bookings cancelled). WITHDRAWN
 * is final.
 */
export const facilityWorkflow = defineWorkflow<FacilityStatus, Reason>('A facility registration', [
  facilityStep('SUBMITTED', 'LISTED', REVIEWERS),
  facilityStep('SUBMITTED', 'RETURNED', REVIEWERS, true),
  facilityStep('RETURNED', 'SUBMITTED', UNIT),
  facilityStep('LISTED', 'SUSPENDED', UNIT, true),
  facilityStep('SUSPENDED', 'LISTED', UNIT),
  facilityStep('SUBMITTED', 'WITHDRAWN', UNIT, true),
  facilityStep('RETURNED', 'WITHDRAWN', UNIT, true),
  facilityStep('LISTED', 'WITHDRAWN', UNIT, true),
  facilityStep('SUSPENDED', 'WITHDRAWN', UNIT, true),
]);

function bookingStep(from: BookingStatus, to: BookingStatus, roles: readonly Role[], needsReason = false): Transition<BookingStatus, Reason> {
  return { from, to, roles, requires: needsReason ? (input) => reason(input.reason) : undefined };
}

/**
 * A booking's life: PENDING (approval needed) or CONFIRMED when made; the unit approves or
 * declines a pending one and records check-in or no-show; the booker cancels before the
 * deadline (checked by the caller). A withdrawal or closure cancels outside this table, as the
 * facility's own step.
 */
export const bookingWorkflow = defineWorkflow<BookingStatus, Reason>('A booking', [
  bookingStep('PENDING', 'CONFIRMED', UNIT),
  bookingStep('PENDING', 'DECLINED', UNIT, true),
  bookingStep('PENDING', 'CANCELLED', BOOKERS),
  bookingStep('CONFIRMED', 'CANCELLED', BOOKERS),
  bookingStep('CONFIRMED', 'CHECKED_IN', UNIT),
  bookingStep('CONFIRMED', 'NO_SHOW', UNIT),
]);
