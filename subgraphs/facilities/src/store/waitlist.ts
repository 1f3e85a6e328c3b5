import { randomUUID } from 'node:crypto';
import type { Actor } from '../../../../lib/kernel/actor';
import { conflict, notFound } from '../../../../lib/kernel/errors';
import { isUuid } from '../../../../lib/kernel/ids';
import type { Page } from '../../../../lib/runtime/connections';
import { Prisma } from '../generated/prisma/client';
import type { BookingCheck, BookingRule, FacilityModel, NewBooking, NewClosure, WaitlistEntryModel } from '../models';
import { bookingPrice, promotionVerdict } from '../rules';
import { inspection } from './bookings';
import { audit, FACILITY_COLUMNS, lockFacility, toFacility, type StoreClient, type Transaction } from './client';

/**
 * Waiting lists (候补): one per interval of a facility, in the order joined (seq). Promotion runs
 * inside the transaction that freed a place, under the facility's row lock, so it sees exactly
 * what that step left and no booking slips in between.
 */

/** Entries with their position: 1 + the waiting entries of the same interval joined earlier; null unless WAITING. */
function entries(where: Prisma.Sql, tail: Prisma.Sql = Prisma.empty) {
  return Prisma.sql`
      SELECT w.id::text AS id, w.facility_id::text AS "facilityId", w.booker, w.booker_org::text AS "bookerOrg",
             w.starts_at AS "startsAt", w.ends_at AS "endsAt", w.quantity::int AS quantity, w.purpose, w.status::text AS status,
             w.status_reason AS "statusReason", w.booking_id::text AS "bookingId", w.version, w.created_at AS "createdAt",
             w.updated_at AS "updatedAt",
             CASE WHEN w.status = 'WAITING' THEN
               (SELECT count(*) FROM facilities.waitlist_entry o
                 WHERE o.facility_id = w.facility_id AND o.starts_at = w.starts_at AND o.ends_at = w.ends_at
                   AND o.status = 'WAITING' AND o.seq <= w.seq)::int
             END AS position
        FROM facilities.waitlist_entry w
       WHERE ${where} ${tail}`;
}

/** The waiting entries of a facility overlapping the freed window (any, when none), first joined first, locked. */
function waiting(facilityId: string, now: Date, window: { from: Date; to: Date } | null) {
  return Prisma.sql`
      SELECT id::text AS id, booker, booker_org::text AS "bookerOrg", starts_at AS "startsAt", ends_at AS "endsAt",
             quantity::int AS quantity, purpose
        FROM facilities.waitlist_entry
       WHERE facility_id = ${facilityId}::uuid AND status = 'WAITING' AND starts_at > ${now}
         ${window ? Prisma.sql`AND starts_at < ${window.to} AND ends_at > ${window.from}` : Prisma.empty}
       ORDER BY seq
       FOR UPDATE`;
}

/** Expires the facility's waiting entries that `when` selects, with the reason; their ids. */
async function expire(tx: Transaction, facilityId: string, when: Prisma.Sql, reason: string, actor: Actor): Promise<number> {
  const expired = await tx.$queryRaw<{ id: string }[]>`
      UPDATE facilities.waitlist_entry SET status = 'EXPIRED', status_reason = ${reason}, version = version + 1, updated_at = now()
       WHERE facility_id = ${facilityId}::uuid AND status = 'WAITING' AND ${when}
      RETURNING id::text AS id`;
  if (expired.length > 0) {
    await audit(
      tx,
      expired.map(({ id }) => ({ entityType: 'WaitlistEntry', entityId: id, action: 'EXPIRE', from: 'WAITING', to: 'EXPIRED', reason })),
      actor,
    );
  }
  return expired.length;
}

/** A closure's days or a withdrawal end the waiting for what they cancel, with the same reason. */
export function expireWaiting(tz: string, tx: Transaction, facilityId: string, reason: string, actor: Actor, days: NewClosure | undefined) {
  const when = days
    ? Prisma.sql`(starts_at AT TIME ZONE ${tz})::date <= ${days.endsOn}::date AND ((ends_at - interval '1 microsecond') AT TIME ZONE ${tz})::date >= ${days.startsOn}::date`
    : Prisma.sql`TRUE`;
  return expire(tx, facilityId, when, reason, actor);
}

type Waiting = {
  id: string;
  booker: string;
  bookerOrg: string | null;
  startsAt: Date;
  endsAt: Date;
  quantity: number;
  purpose: string | null;
};

/**
 * Promotes waiting entries of the facility (those overlapping `window`, or all) in the order
 * joined, each judged by the booking rules on what the database holds now: the first that
 * passes becomes a booking, then the next, until none fits. An entry kept (quota, capacity)
 * keeps its place; one whose interval closed or fell outside the hours expires with the reason.
 * The caller holds the facility's row FOR UPDATE; `status = 'WAITING'` in the update and the
 * unique booking_id keep anyone from being promoted twice. Returns how many were promoted.
 */
export async function promoteWaiting(
  tz: string,
  tx: Transaction,
  facilityId: string,
  window: { from: Date; to: Date } | null,
  actor: Actor,
): Promise<number> {
  const facility = toFacility(await tx.facility.findUniqueOrThrow({ where: { id: facilityId }, select: FACILITY_COLUMNS }));
  if (facility.status !== 'LISTED') return 0;
  const now = new Date();
  await expire(tx, facilityId, Prisma.sql`starts_at <= ${now}`, 'The interval began while waiting.', actor);
  const candidates = await tx.$queryRaw<Waiting[]>(waiting(facilityId, now, window));
  // The free capacity last read per interval: entries wanting more are passed over unread. Within
  // this loop free capacity only shrinks, so a remembered value is an upper bound and passing over
  // on it is safe; every promotion itself is decided on a fresh read.
  const free = new Map<string, number>();
  let promoted = 0;
  for (const entry of candidates) {
    const key = `${entry.startsAt.toISOString()}/${entry.endsAt.toISOString()}`;
    if ((free.get(key) ?? entry.quantity) < entry.quantity) continue;
    const [found] = await tx.$queryRaw<{ open_slots: number; closed_reason: string | null; peak: number; week: number }[]>(
      inspection(tz, { facility, booker: entry.booker, startsAt: entry.startsAt, endsAt: entry.endsAt }),
    );
    const check: BookingCheck = {
      status: facility.status,
      openSlots: found!.open_slots,
      closedReason: found!.closed_reason,
      peakUsed: found!.peak,
      weekBookings: found!.week,
    };
    free.set(key, facility.capacity - check.peakUsed);
    const slots = Math.round((entry.endsAt.getTime() - entry.startsAt.getTime()) / 60_000 / facility.slotMinutes);
    const verdict = promotionVerdict(facility, { quantity: entry.quantity, slots }, check);
    if (verdict.outcome === 'EXPIRE') await expire(tx, facilityId, Prisma.sql`id = ${entry.id}::uuid`, verdict.reason, actor);
    if (verdict.outcome !== 'PROMOTE') continue;
    await promote(tx, facility, entry, slots, actor);
    promoted += 1;
  }
  return promoted;
}

async function promote(tx: Transaction, facility: FacilityModel, entry: Waiting, slots: number, actor: Actor) {
  const bookingId = randomUUID();
  const status = facility.approvalRequired ? 'PENDING' : 'CONFIRMED';
  await tx.booking.create({
    data: {
      id: bookingId,
      facilityId: facility.id,
      booker: entry.booker,
      bookerOrg: entry.bookerOrg,
      startsAt: entry.startsAt,
      endsAt: entry.endsAt,
      quantity: entry.quantity,
      exclusive: facility.capacity === 1,
      purpose: entry.purpose,
      status,
      price: bookingPrice(facility, slots, entry.quantity),
    },
  });
  const { count } = await tx.waitlistEntry.updateMany({
    where: { id: entry.id, status: 'WAITING' },
    data: { status: 'PROMOTED', bookingId, statusReason: null, version: { increment: 1 }, updatedAt: new Date() },
  });
  if (count !== 1) throw conflict(`Waiting-list entry ${entry.id} changed meanwhile; reload and retry.`);
  await audit(
    tx,
    [
      { entityType: 'WaitlistEntry', entityId: entry.id, action: 'PROMOTE', from: 'WAITING', to: 'PROMOTED' },
      { entityType: 'Booking', entityId: bookingId, action: 'PROMOTE', to: status, reason: `候补递补 From waiting-list entry ${entry.id}` },
    ],
    actor,
  );
}

/** Serialises one booker's joins across facilities, so two cannot both slip under the per-booker maximum. */
function bookerLock(booker: string) {
  return Prisma.sql`SELECT pg_advisory_xact_lock(hashtextextended(${`waitlist/${booker}`}, 0))::text`;
}

export function waitlistStore({ prisma, tz, config, write }: StoreClient) {
  const one = async (tx: Transaction | typeof prisma, id: string) =>
    (await tx.$queryRaw<WaitlistEntryModel[]>(entries(Prisma.sql`w.id = ${id}::uuid`)))[0];

  return {
    async byId(ids: readonly string[]): Promise<WaitlistEntryModel[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return prisma.$queryRaw<WaitlistEntryModel[]>(entries(Prisma.sql`w.id = ANY(${valid}::uuid[])`));
    },

    /** One booker's entries, newest joined first. */
    async page(booker: string, page: Page<(string | number)[]>): Promise<{ rows: WaitlistEntryModel[]; count: () => Promise<number> }> {
      const after = page.after
        ? Prisma.sql`AND (w.created_at, w.id) < (${new Date(String(page.after[0]))}::timestamptz, ${String(page.after[1])}::uuid)`
        : Prisma.empty;
      const rows = await prisma.$queryRaw<WaitlistEntryModel[]>(
        entries(Prisma.sql`w.booker = ${booker} ${after}`, Prisma.sql`ORDER BY w.created_at DESC, w.id DESC LIMIT ${page.first + 1}`),
      );
      return { rows, count: () => prisma.waitlistEntry.count({ where: { booker } }) };
    },

    /**
     * Joins the interval's waiting list under the facility's row lock (so the list's length and
     * the capacity read are those promotion will see) and the booker's lock (their own maximum).
     */
    async join(request: NewBooking, rule: BookingRule, actor: Actor): Promise<WaitlistEntryModel> {
      const id = randomUUID();
      const { facility } = request;
      return write(async (tx) => {
        const { status } = await lockFacility(tx, facility.id, 'UPDATE');
        await tx.$queryRaw(bookerLock(request.booker));
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
        const [counts] = await tx.$queryRaw<{ slot: number; mine: number; same: number }[]>`
            SELECT count(*) FILTER (WHERE facility_id = ${facility.id}::uuid AND starts_at = ${request.startsAt} AND ends_at = ${request.endsAt})::int AS slot,
                   count(*) FILTER (WHERE booker = ${request.booker})::int AS mine,
                   count(*) FILTER (WHERE booker = ${request.booker} AND facility_id = ${facility.id}::uuid
                                      AND starts_at = ${request.startsAt} AND ends_at = ${request.endsAt})::int AS same
              FROM facilities.waitlist_entry WHERE status = 'WAITING'`;
        if (counts!.same > 0) {
          throw conflict('You are already waiting for this interval.', { field: 'input.startsAt', rule: 'ALREADY_WAITING' });
        }
        if (counts!.slot >= config.waitlistPerSlot) {
          throw conflict(`The waiting list of this interval is full (${config.waitlistPerSlot}).`, {
            field: 'input.startsAt',
            rule: 'WAITLIST_FULL',
          });
        }
        if (counts!.mine >= config.waitlistPerBooker) {
          throw conflict(`You are on ${counts!.mine} waiting lists, the most allowed; leave one first.`, {
            field: 'input.facilityId',
            rule: 'WAITLIST_LIMIT',
          });
        }
        await tx.waitlistEntry.create({
          data: {
            id,
            facilityId: facility.id,
            booker: request.booker,
            bookerOrg: request.bookerOrg,
            startsAt: request.startsAt,
            endsAt: request.endsAt,
            quantity: request.quantity,
            purpose: request.purpose,
          },
        });
        await audit(tx, { entityType: 'WaitlistEntry', entityId: id, action: 'JOIN', to: 'WAITING' }, actor);
        return (await one(tx, id))!;
      });
    },

    /** Leaves the list: `check` approves the step against the current row; a stale `expectedVersion` is refused. */
    async leave(
      id: string,
      expectedVersion: number | undefined,
      reason: string | null,
      check: (entry: WaitlistEntryModel) => void,
      actor: Actor,
    ): Promise<WaitlistEntryModel> {
      return write(async (tx) => {
        const before = await one(tx, id);
        if (!before) throw notFound(`No waiting-list entry ${id}.`);
        check(before);
        if (expectedVersion !== undefined && expectedVersion !== before.version) {
          throw conflict(`Waiting-list entry ${id} changed (now version ${before.version}); reload and retry.`, {
            field: 'input.expectedVersion',
            currentVersion: before.version,
          });
        }
        const { count } = await tx.waitlistEntry.updateMany({
          where: { id, version: before.version, status: 'WAITING' },
          data: { status: 'LEFT', statusReason: reason, version: { increment: 1 }, updatedAt: new Date() },
        });
        if (count !== 1) throw conflict(`Waiting-list entry ${id} changed meanwhile (it may have been promoted); reload.`);
        await audit(tx, { entityType: 'WaitlistEntry', entityId: id, action: 'LEAVE', from: 'WAITING', to: 'LEFT', reason }, actor);
        return (await one(tx, id))!;
      });
    },
  };
}
