import { Prisma } from '../generated/prisma/client';
import type { FacilityUsageModel, UsageScope } from '../models';
import { communityUnder, type StoreClient } from './client';

/** Usage of facilities over local dates: hours open while listed, hours booked, people served, no-shows. */

interface UsageRow {
  facilities: number;
  minutes_open: number;
  minutes_booked: number;
  bookings: number;
  people: number;
  no_show: number;
  attended: number;
}

function scopeCondition(scope: UsageScope): Prisma.Sql {
  return scope.facilityId
    ? Prisma.sql`f.id = ${scope.facilityId}::uuid`
    : scope.unitId
      ? Prisma.sql`f.unit_id = ${scope.unitId}::uuid`
      : communityUnder(String(scope.within));
}

/**
 * A slot of today's weekly hours counts as open when it began while the facility was LISTED by
 * its status history (its events' `to` states, each holding until the next), so days before a
 * suspension count whatever the status is today. Bookings count for every facility chosen.
 */
function usageBetween(tz: string, scope: UsageScope, from: string, to: string) {
  return Prisma.sql`
        WITH bounds AS (
          SELECT (${from}::date::timestamp AT TIME ZONE ${tz}) AS t0, ((${to}::date + 1)::timestamp AT TIME ZONE ${tz}) AS t1
        ),
        scope AS (SELECT f.id, f.slot_minutes FROM facilities.facility f WHERE ${scopeCondition(scope)}),
        history AS (
          SELECT e.entity_id AS id, e.to_status, e.at AS since,
                 coalesce(lead(e.at) OVER (PARTITION BY e.entity_id ORDER BY e.at, e.id), 'infinity') AS until
            FROM facilities.facility_event e JOIN scope f ON f.id = e.entity_id
           WHERE e.entity_type = 'Facility' AND e.to_status IS NOT NULL
        ),
        listed AS (
          SELECT h.id, h.since, h.until FROM history h, bounds WHERE h.to_status = 'LISTED' AND h.since < bounds.t1 AND h.until > bounds.t0
        ),
        slots AS (
          SELECT f.id, f.slot_minutes
            FROM listed l
            JOIN scope f ON f.id = l.id
            CROSS JOIN LATERAL (
              SELECT g::date AS day
                FROM generate_series(greatest(${from}::date, (l.since AT TIME ZONE ${tz})::date), least(${to}::date, (l.until AT TIME ZONE ${tz})::date), interval '1 day') AS g
            ) AS d
            JOIN facilities.opening_hours oh ON oh.facility_id = f.id AND oh.weekday = extract(isodow FROM d.day)
            CROSS JOIN LATERAL generate_series(oh.start_minute::int, (oh.end_minute - f.slot_minutes)::int, f.slot_minutes::int) AS m(minute)
           WHERE NOT EXISTS (SELECT 1 FROM facilities.closure c WHERE c.facility_id = f.id AND d.day BETWEEN c.starts_on AND c.ends_on)
             AND ((d.day + m.minute * interval '1 minute') AT TIME ZONE ${tz}) >= l.since
             AND ((d.day + m.minute * interval '1 minute') AT TIME ZONE ${tz}) < l.until
        ),
        held AS (
          SELECT b.* FROM facilities.booking b JOIN scope f ON f.id = b.facility_id, bounds
           WHERE b.starts_at >= bounds.t0 AND b.starts_at < bounds.t1
        )
        SELECT (SELECT count(*) FROM scope f
                 WHERE EXISTS (SELECT 1 FROM listed l WHERE l.id = f.id) OR EXISTS (SELECT 1 FROM held h WHERE h.facility_id = f.id))::int AS facilities,
               (SELECT coalesce(sum(slot_minutes), 0) FROM slots)::int AS minutes_open,
               (SELECT coalesce(sum(extract(epoch FROM least(ends_at, bounds.t1) - starts_at)) / 60, 0) FROM held, bounds
                 WHERE status IN ('CONFIRMED', 'CHECKED_IN', 'NO_SHOW'))::int AS minutes_booked,
               (SELECT count(*) FROM held WHERE status NOT IN ('DECLINED', 'CANCELLED'))::int AS bookings,
               (SELECT count(DISTINCT booker) FROM held WHERE status IN ('CONFIRMED', 'CHECKED_IN'))::int AS people,
               (SELECT count(*) FROM held WHERE status = 'NO_SHOW')::int AS no_show,
               (SELECT count(*) FROM held WHERE status = 'CHECKED_IN')::int AS attended`;
}

export function usageStore({ prisma, tz }: StoreClient) {
  return {
    /** Usage over local dates [fromDay, toDay] of the facilities chosen: one statement. */
    async between(scope: UsageScope, fromDay: string, toDay: string): Promise<FacilityUsageModel> {
      const [row] = await prisma.$queryRaw<UsageRow[]>(usageBetween(tz, scope, fromDay, toDay));
      const r = row!;
      const recorded = r.no_show + r.attended;
      return {
        facilities: r.facilities,
        hoursOpen: r.minutes_open / 60,
        hoursBooked: r.minutes_booked / 60,
        bookings: r.bookings,
        peopleServed: r.people,
        noShowRate: recorded === 0 ? null : r.no_show / recorded,
      };
    },
  };
}
