import type { Actor } from '../../../../lib/kernel/actor';
import type { Prisma } from '../generated/prisma/client';
import type { CalendarFeedBooking } from '../models';
import { ACTIVE_STATUSES, audit, toBooking, type StoreClient } from './client';

/** Calendar feeds: the bookings they show, and the secrets of bookers' feed URLs. */

export function calendarsStore({ prisma, write }: StoreClient) {
  return {
    /** Bookings for a calendar feed: a facility's active ones, or a booker's (all statuses, so cancellations reach the calendar). */
    async bookings(filter: { facilityId: string } | { booker: string }, since: Date): Promise<CalendarFeedBooking[]> {
      const where: Prisma.BookingWhereInput =
        'facilityId' in filter
          ? { facilityId: filter.facilityId, status: { in: [...ACTIVE_STATUSES] }, endsAt: { gt: since } }
          : { booker: filter.booker, endsAt: { gt: since } };
      const rows = await prisma.booking.findMany({
        where,
        include: { facility: { select: { name: true, address: true } } },
        orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
        take: 5000,
      });
      return rows.map((row) => ({ ...toBooking(row), facilityName: row.facility.name, facilityAddress: row.facility.address }));
    },

    async rotateSecret(subject: string, secretHash: string, reason: string | null, actor: Actor): Promise<void> {
      await write(async (tx) => {
        await tx.calendarSecret.upsert({
          where: { subject },
          create: { subject, secretHash },
          update: { secretHash, createdAt: new Date() },
        });
        // The trail's entity id is a uuid column; a booker's secret has no id of its own.
        await audit(
          tx,
          { entityType: 'CalendarSecret', entityId: '00000000-0000-0000-0000-000000000000', action: 'ROTATE', reason },
          actor,
        );
      });
    },

    /** The booker whose feed the secret opens, if any. */
    async subjectOf(secretHash: string): Promise<string | null> {
      return (await prisma.calendarSecret.findUnique({ where: { secretHash } }))?.subject ?? null;
    },
  };
}
