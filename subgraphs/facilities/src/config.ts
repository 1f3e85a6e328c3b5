import { integer, type Config } from '../../../lib/runtime/config';

/** The facilities subgraph's own settings, read from the environment with embedded defaults. */
export interface FacilitiesConfig {
  /** The city's zone: opening hours, closures, slots and weeks are local to it. */
  timeZone: string;
  /** How long a booking waits for another booking's lock on the facility before CONFLICT. */
  lockTimeoutMs: number;
  /** How long one try for a facility's lock waits before a booking reads the free capacity again (store/bookings.ts lockInTurns). */
  bookingLockTryMs: number;
  /** How long a write waits to start its transaction (PGlite runs one at a time) before CONFLICT. */
  transactionWaitMs: number;
  /** How many days back the iCalendar feeds reach. */
  calendarPastDays: number;
  /** The most bookers waiting at once for one interval of a facility (its waiting list). */
  waitlistPerSlot: number;
  /** The most waiting lists one booker is on at once, across facilities. */
  waitlistPerBooker: number;
}

export function loadFacilitiesConfig(config: Config): FacilitiesConfig {
  const env = config.env;
  return {
    timeZone: config.timeZone,
    // Together well under the gateway's SUBGRAPH_TIMEOUT_MS, so a crowd of bookings ends in CONFLICT, not a timeout.
    lockTimeoutMs: integer(env, 'FACILITIES_LOCK_TIMEOUT_MS', 3_000, 100, 60_000),
    bookingLockTryMs: integer(env, 'FACILITIES_BOOKING_LOCK_TRY_MS', 50, 1, 10_000),
    transactionWaitMs: integer(env, 'FACILITIES_TRANSACTION_WAIT_MS', 4_000, 100, 600_000),
    calendarPastDays: integer(env, 'FACILITIES_CALENDAR_PAST_DAYS', 90, 0, 3660),
    waitlistPerSlot: integer(env, 'FACILITIES_WAITLIST_PER_SLOT', 200, 1, 10_000),
    waitlistPerBooker: integer(env, 'FACILITIES_WAITLIST_PER_BOOKER', 10, 1, 1_000),
  };
}
