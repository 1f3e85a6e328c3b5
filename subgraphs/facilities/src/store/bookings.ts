import { randomUUID } from 'node:crypto';
import type { Actor } from '../../../../lib/kernel/actor';
import { conflict, notFound } from '../../../../lib/kernel/errors';
import { isUuid } from '../../../../lib/kernel/ids';
import type { Page } from '../../../../lib/runtime/connections';
import { deadlinePassed, isConcurrencyConflict, remainingMs } from '../../../../lib/runtime/db';
import { Prisma } from '../generated/prisma/client';
import type { FacilityStatus } from '../generated/prisma/enums';
import type { BookingModel, BookingRule, BookingStep, FacilityModel, NewBooking } from '../models';
import {
  ACTIVE_SQL,
  ACTIVE_STATUSES,
  audit,
  FACILITY_COLUMNS,
  lockFacility,
  slotsCte,
  toBooking,
  toFacility,
  type StoreClient,
  type Transaction,
} from './client';
import { promoteWaiting } from './waitlist';

/** Bookings: taken under the facility's lock so capacity is exact, then moved through their workflow. */

/** What a booking request finds in its window: open slots, a closure, the peak held, and the booker's bookings that week. */
export function inspection(tz: string, request: Pick<NewBooking, 'booker' | 'startsAt' | 'endsAt'> & { facility: { id: string } }) {
  const { facility } = request;
  return Prisma.sql`
            WITH candidates AS (SELECT * FROM facilities.facility WHERE id = ${facility.id}::uuid),
            ${slotsCte(tz, request.startsAt, request.endsAt)}
            SELECT (SELECT count(*) FROM window_slots)::int AS open_slots,
                   (SELECT min(closed_reason) FROM window_slots) AS closed_reason,
                   (SELECT coalesce(max(used), 0) FROM window_slots)::int AS peak,
                   (SELECT count(*) FROM facilities.booking b
                     WHERE b.facility_id = ${facility.id}::uuid AND b.booker = ${request.booker} AND b.status IN ${ACTIVE_SQL}
                       AND date_trunc('week', b.starts_at AT TIME ZONE ${tz}) = date_trunc('week', ${request.startsAt}::timestamptz AT TIME ZONE ${tz}))::int AS week`;
}

/** Serialises one booker's bookings of one facility, so two cannot both fit in the weekly quota. */
function bookerLock(facilityId: string, booker: string) {
  return Prisma.sql`SELECT pg_advisory_xact_lock(hashtextextended(${`${facilityId}/${booker}`}, 0))::text`;
}

export function bookingsStore({ prisma, tz, config, write, lockWaitMs }: StoreClient) {
  /**
   * The facility row locked as `lockFacility` does, tried in waits of FACILITIES_BOOKING_LOCK_TRY_MS (each
   * inside a savepoint, so a lock timeout does not end the transaction) with `check` run before
   * each try: a request that cannot succeed is refused by its rule at once instead of waiting its
   * turn. Past the facilities lock timeout the lock timeout stands (CONFLICT); past the request's
   * deadline, when that comes first, the request has run out of time (SERVICE_UNAVAILABLE).
   */
  async function lockInTurns(tx: Transaction, id: string, mode: 'UPDATE' | 'SHARE', check: () => Promise<void>) {
    const deadlineFirst = remainingMs() < config.lockTimeoutMs;
    const giveUp = Date.now() + lockWaitMs(config.lockTimeoutMs);
    for (;;) {
      await check();
      await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = ${Math.max(1, Math.min(config.bookingLockTryMs, giveUp - Date.now()))}`);
      await tx.$executeRawUnsafe('SAVEPOINT facility_lock');
      try {
        const locked = await lockFacility(tx, id, mode);
        await tx.$executeRawUnsafe('RELEASE SAVEPOINT facility_lock');
        // The statements after the lock (the exclusion check waits for a racing insert) get what is left.
        await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = ${Math.max(1, giveUp - Date.now())}`);
        return locked;
      } catch (error) {
        if (!isConcurrencyConflict(error)) throw error;
        if (Date.now() >= giveUp) throw deadlineFirst ? deadlinePassed() : error;
        await tx.$executeRawUnsafe('ROLLBACK TO SAVEPOINT facility_lock');
      }
    }
  }

  return {
    async byId(ids: readonly string[]): Promise<BookingModel[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return (await prisma.booking.findMany({ where: { id: { in: valid } } })).map(toBooking);
    },

    /** Bookings newest start first, by booker or by facility (optionally overlapping [from, to)). */
    async page(
      filter: { booker?: string; facilityId?: string; from?: Date; to?: Date },
      page: Page<(string | number)[]>,
    ): Promise<{ rows: BookingModel[]; count: () => Promise<number> }> {
      const where: Prisma.BookingWhereInput = {};
      if (filter.booker !== undefined) where.booker = filter.booker;
      if (filter.facilityId !== undefined) where.facilityId = filter.facilityId;
      if (filter.from) where.endsAt = { gt: filter.from };
      if (filter.to) where.startsAt = { lt: filter.to };
      const after = page.after;
      const rows = await prisma.booking.findMany({
        where: after
          ? {
              AND: [
                where,
                {
                  OR: [
                    { startsAt: { lt: new Date(String(after[0])) } },
                    { startsAt: new Date(String(after[0])), id: { lt: String(after[1]) } },
                  ],
                },
              ],
            }
          : where,
        orderBy: [{ startsAt: 'desc' }, { id: 'desc' }],
        take: page.first + 1,
      });
      return { rows: rows.map(toBooking), count: () => prisma.booking.count({ where }) };
    },

    /**
     * Books inside one transaction. Capacity 1: the facility row is read FOR SHARE and the
     * exclusion constraint refuses an overlap (23P01 → CONFLICT). Capacity N: the row is locked
     * FOR UPDATE, so bookings of the facility take turns, then the peak use of the booking's
     * slots is counted in SQL before inserting. The booker's weekly quota is serialised by an
     * advisory lock on (facility, booker).
     *
     * A burst on one slot must not queue behind that lock only to learn the slot is full: the
     * rules are first checked on what is committed (no lock), and the lock is tried in short
     * waits (FACILITIES_BOOKING_LOCK_TRY_MS), the free capacity read again between tries, so once the
     * winners commit every loser is refused with the capacity rule within a try. The check
     * under the lock stays the one that decides: capacity is exact.
     */
    async book(request: NewBooking, rule: BookingRule, actor: Actor): Promise<BookingModel> {
      const id = randomUUID();
      const { facility } = request;
      return write(async (tx) => {
        const inspect = async (status: FacilityStatus) => {
          const [found] = await tx.$queryRaw<{ open_slots: number; closed_reason: string | null; peak: number; week: number }[]>(
            inspection(tz, request),
          );
          rule({
            status,
            openSlots: found!.open_slots,
            closedReason: found!.closed_reason,
            peakUsed: found!.peak,
            weekBookings: found!.week,
          });
        };
        const { status, capacity } = await lockInTurns(tx, facility.id, facility.capacity === 1 ? 'SHARE' : 'UPDATE', () =>
          inspect(facility.status),
        );
        // The lock mode, the exclusive flag and the capacity rule all follow the capacity read before
        // the transaction: if the unit changed it meanwhile, none of them may be trusted.
        if (capacity !== facility.capacity) {
          throw conflict(`Facility ${facility.id}'s capacity changed to ${capacity} meanwhile; reload and retry.`, {
            field: 'input.facilityId',
            rule: 'CAPACITY',
          });
        }
        await tx.$queryRaw(bookerLock(facility.id, request.booker));
        await inspect(status);
        const row = await tx.booking.create({
          data: {
            id,
            facilityId: facility.id,
            booker: request.booker,
            bookerOrg: request.bookerOrg,
            startsAt: request.startsAt,
            endsAt: request.endsAt,
            quantity: request.quantity,
            exclusive: facility.capacity === 1,
            purpose: request.purpose,
            status: facility.approvalRequired ? 'PENDING' : 'CONFIRMED',
            price: request.price,
          },
        });
        await audit(tx, { entityType: 'Booking', entityId: id, action: 'BOOK', to: row.status }, actor);
        return toBooking(row);
      });
    },

    /**
     * Moves a booking to the step `decide` returns for its current row; a stale `expectedVersion`
     * is refused. A step that frees its place (cancel, decline, no-show) promotes the waiting
     * list in the same transaction.
     */
    async change(
      id: string,
      expectedVersion: number | undefined,
      decide: (booking: BookingModel, facility: FacilityModel) => BookingStep,
      actor: Actor,
    ): Promise<BookingModel> {
      return write(async (tx) => {
        const row = await tx.booking.findUnique({ where: { id } });
        if (!row) throw notFound(`No booking ${id}.`);
        const before = toBooking(row);
        if (expectedVersion !== undefined && expectedVersion !== before.version) {
          throw conflict(`Booking ${id} was changed by someone else (now version ${before.version}); reload and retry.`, {
            field: 'input.expectedVersion',
            currentVersion: before.version,
          });
        }
        const facility = toFacility(await tx.facility.findUniqueOrThrow({ where: { id: before.facilityId }, select: FACILITY_COLUMNS }));
        const next = decide(before, facility);
        // A step that frees a place locks the facility first, as booking does, so the promotion
        // below sees the place free and nobody else's booking takes it meanwhile.
        const frees = ACTIVE_STATUSES.includes(before.status) && !ACTIVE_STATUSES.includes(next.status);
        if (frees) await lockFacility(tx, facility.id, 'UPDATE');
        const { count } = await tx.booking.updateMany({
          where: { id, version: before.version },
          data: { status: next.status, statusReason: next.reason, version: { increment: 1 }, updatedAt: new Date() },
        });
        if (count !== 1) throw conflict(`Booking ${id} was changed by someone else meanwhile; reload and retry.`);
        await audit(
          tx,
          { entityType: 'Booking', entityId: id, action: next.action, from: before.status, to: next.status, reason: next.reason },
          actor,
        );
        if (frees) await promoteWaiting(tz, tx, facility.id, { from: before.startsAt, to: before.endsAt }, actor);
        return toBooking(await tx.booking.findUniqueOrThrow({ where: { id } }));
      });
    },
  };
}
