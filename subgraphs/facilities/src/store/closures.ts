import type { Actor } from '../../../../lib/kernel/actor';
import { fromDateColumn, toDateColumn } from '../../../../lib/kernel/dates';
import { conflict } from '../../../../lib/kernel/errors';
import { isUuid } from '../../../../lib/kernel/ids';
import { Prisma } from '../generated/prisma/client';
import type { ClosureModel, FacilityModel, NewClosure } from '../models';
import { audit, FACILITY_COLUMNS, toFacility, type StoreClient, type Transaction } from './client';
import { expireWaiting } from './waitlist';

/** Closures of a facility, and the bookings a closure or a withdrawal cancels. */

/**
 * Cancels the facility's pending and confirmed bookings ending after `from` (and touching a local
 * day of `days`, if given): locked first, so a racing change of one of them waits or fails.
 */
function cancelActive(tz: string, facilityId: string, reason: string, from: Date, days: NewClosure | undefined) {
  return Prisma.sql`
      WITH hit AS (
        SELECT id, status FROM facilities.booking
         WHERE facility_id = ${facilityId}::uuid AND status IN ('PENDING', 'CONFIRMED') AND ends_at > ${from}
           ${days ? Prisma.sql`AND (starts_at AT TIME ZONE ${tz})::date <= ${days.endsOn}::date AND ((ends_at - interval '1 microsecond') AT TIME ZONE ${tz})::date >= ${days.startsOn}::date` : Prisma.empty}
         FOR UPDATE
      )
      UPDATE facilities.booking b SET status = 'CANCELLED', status_reason = ${reason}, version = b.version + 1, updated_at = now()
        FROM hit WHERE b.id = hit.id
      RETURNING b.id::text AS id, hit.status::text AS status`;
}

/**
 * Cancels the facility's active bookings starting at or after `from` (and on the closed days, if
 * given), telling holders why; the waiting lists on those days expire with the same reason.
 * Nobody is promoted: the places freed are closed.
 */
export async function cancelBookings(
  tz: string,
  tx: Transaction,
  facilityId: string,
  reason: string,
  actor: Actor,
  range: { from: Date; days?: NewClosure },
) {
  const cancelled = await tx.$queryRaw<{ id: string; status: string }[]>(cancelActive(tz, facilityId, reason, range.from, range.days));
  if (cancelled.length > 0) {
    await audit(
      tx,
      cancelled.map((b) => ({ entityType: 'Booking', entityId: b.id, action: 'CANCEL', from: b.status, to: 'CANCELLED', reason })),
      actor,
    );
  }
  await expireWaiting(tz, tx, facilityId, reason, actor, range.days);
  return cancelled.length;
}

export function closuresStore({ prisma, tz, write }: StoreClient) {
  return {
    /** Closures ending on or after `today` (local), soonest first. */
    async current(ids: readonly string[], today: string): Promise<ClosureModel[]> {
      const rows = await prisma.closure.findMany({
        where: { facilityId: { in: ids.filter(isUuid) }, endsOn: { gte: toDateColumn(today) } },
        orderBy: [{ facilityId: 'asc' }, { startsOn: 'asc' }, { id: 'asc' }],
      });
      return rows.map((c) => ({
        facilityId: c.facilityId,
        startsOn: fromDateColumn(c.startsOn),
        endsOn: fromDateColumn(c.endsOn),
        reason: c.reason,
      }));
    },

    /** Closes the facility on the closure's days, cancelling the bookings on them; refused if the facility changed since it was read. */
    async add(facility: FacilityModel, closure: NewClosure, actor: Actor): Promise<{ facility: FacilityModel; cancelledBookings: number }> {
      return write(async (tx) => {
        const { count } = await tx.facility.updateMany({
          where: { id: facility.id, version: facility.version },
          data: { version: { increment: 1 }, updatedAt: new Date() },
        });
        if (count !== 1) throw conflict(`Facility ${facility.id} was changed by someone else meanwhile; reload and retry.`);
        await tx.closure.create({
          data: {
            facilityId: facility.id,
            startsOn: toDateColumn(closure.startsOn),
            endsOn: toDateColumn(closure.endsOn),
            reason: closure.reason,
          },
        });
        await audit(
          tx,
          {
            entityType: 'Facility',
            entityId: facility.id,
            action: 'CLOSE',
            reason: `${closure.startsOn}..${closure.endsOn}: ${closure.reason}`,
          },
          actor,
        );
        const cancelledBookings = await cancelBookings(tz, tx, facility.id, `闭馆 Closed: ${closure.reason}`, actor, {
          from: new Date(),
          days: closure,
        });
        return {
          facility: toFacility(await tx.facility.findUniqueOrThrow({ where: { id: facility.id }, select: FACILITY_COLUMNS })),
          cancelledBookings,
        };
      });
    },
  };
}
