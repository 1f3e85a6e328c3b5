import { spread, type ScenarioFactory } from './types';

/** The facility network's main reads (a week of availability, a district search) and its booking write. */

const KINDS = ['CANTEEN', 'PARKING', 'MEETING_ROOM', 'SPORTS_VENUE', 'FITNESS_ROOM', 'LIBRARY', 'ACTIVITY_ROOM', 'STUDY_ROOM'];
const DAY_MS = 86_400_000;

const TIME_ZONE = 'Asia/Shanghai';
const LOCAL_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

function localDay(offsetDays: number): string {
  return LOCAL_DATE.format(new Date(Date.now() + offsetDays * DAY_MS));
}

function midnight(day: string): number {
  return Date.parse(`${day}T00:00:00+08:00`);
}

function isoWeekday(day: string): number {
  return ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

const facilitiesScenarios: ScenarioFactory = async ({ signToken, query }) => {
  const listed = await query<{ id: string; community: string }>(
    `SELECT id::text AS id, community_code AS community FROM facilities.facility WHERE status = 'LISTED' ORDER BY id`,
  );
  const districts = [...new Set(listed.map((f) => f.community.slice(0, 6).padEnd(12, '0')))].sort();
  const communities = [...new Set(listed.map((f) => f.community))].sort();
  // Bookable without approval, several places each, with their opening intervals and closed days.
  const hours = await query<{ id: string; weekday: number; start_minute: number; end_minute: number; slot: number; closed: string[] }>(
    `SELECT f.id::text AS id, oh.weekday, oh.start_minute, oh.end_minute, f.slot_minutes AS slot,
            ARRAY(SELECT to_char(d, 'YYYY-MM-DD') FROM facilities.closure c, generate_series(c.starts_on, c.ends_on, interval '1 day') d
                   WHERE c.facility_id = f.id) AS closed
       FROM facilities.facility f JOIN facilities.opening_hours oh ON oh.facility_id = f.id
      WHERE f.status = 'LISTED' AND f.capacity > 1 AND NOT f.approval_required
      ORDER BY f.id, oh.weekday, oh.start_minute`,
  );
  // The opening intervals by weekday, built once: a request picks from them in constant time, so
  // the load generator's work (on the same event loop) does not grow with the city.
  const byWeekday = new Map<number, typeof hours>();
  for (const h of hours) {
    const day = byWeekday.get(h.weekday);
    if (day) day.push(h);
    else byWeekday.set(h.weekday, [h]);
  }
  // Residents new to this run (the weekly quota is per booker and facility, and --reuse keeps
  // earlier runs' bookings), one per booking request in turn.
  const run = Date.now().toString(36);
  const residents = await Promise.all(
    Array.from({ length: 1000 }, (_, i) =>
      signToken({ sub: `bench-resident-${run}-${i}`, roles: ['RESIDENT'], area: communities[i % communities.length]! }),
    ),
  );
  let bookings = 0;
  const week = (i: number) => {
    const start = midnight(localDay(i % 14));
    return {
      id: listed[spread(i, listed.length)]!.id,
      from: new Date(start).toISOString(),
      to: new Date(start + 7 * DAY_MS).toISOString(),
    };
  };

  return [
    {
      name: 'availability-week',
      description: 'anonymous: free capacity per slot of one facility over seven days (one SQL statement)',
      request: (i) => {
        const { id, from, to } = week(i);
        return {
          query: 'query ($id: ID!, $f: DateTime!, $t: DateTime!) { availability(facilityId: $id, from: $f, to: $t) { startsAt free } }',
          variables: { id, f: from, t: to },
        };
      },
      subgraph: { name: 'facilities' },
      // Every slot inside the opening hours of the days in the window, closed days left out, less the places active bookings hold.
      sql: async (i) => {
        const { id, from, to } = week(i);
        const rows = await query<{ starts_at: Date; free: number }>(
          `SELECT s.starts_at, (s.capacity - (SELECT coalesce(sum(b.quantity), 0)::int FROM facilities.booking b
                                               WHERE b.facility_id = s.id AND b.status IN ('PENDING', 'CONFIRMED', 'CHECKED_IN')
                                                 AND b.starts_at < s.ends_at AND b.ends_at > s.starts_at))::int AS free
             FROM (SELECT f.id, f.capacity, d.day,
                          (d.day + make_interval(mins => m.minute)) AT TIME ZONE $4 AS starts_at,
                          (d.day + make_interval(mins => m.minute + f.slot_minutes)) AT TIME ZONE $4 AS ends_at
                     FROM facilities.facility f
                    CROSS JOIN LATERAL (SELECT g::date AS day FROM generate_series(($2::timestamptz AT TIME ZONE $4)::date, ($3::timestamptz AT TIME ZONE $4)::date, interval '1 day') AS g) AS d
                     JOIN facilities.opening_hours oh ON oh.facility_id = f.id AND oh.weekday = extract(isodow FROM d.day)
                    CROSS JOIN LATERAL generate_series(oh.start_minute::int, (oh.end_minute - f.slot_minutes)::int, f.slot_minutes::int) AS m(minute)
                    WHERE f.id = $1::uuid AND f.status = 'LISTED') AS s
            WHERE s.starts_at >= $2::timestamptz AND s.ends_at <= $3::timestamptz
              AND NOT EXISTS (SELECT 1 FROM facilities.closure c WHERE c.facility_id = s.id AND s.day BETWEEN c.starts_on AND c.ends_on)
            ORDER BY s.starts_at`,
          [id, from, to, TIME_ZONE],
        );
        return { availability: rows.map((r) => ({ startsAt: r.starts_at, free: r.free })) };
      },
    },
    {
      name: 'find-available-district',
      description: 'anonymous: facilities of a kind with a free slot in a district over a week, nearest first',
      request: (i) => {
        const start = midnight(localDay(1 + (i % 7)));
        const near = i % 3 === 0 ? communities[i % communities.length]! : districts[i % districts.length]!;
        return {
          query: `query ($k: FacilityKind!, $n: AreaCode!, $f: DateTime!, $t: DateTime!, $m: Int) { findAvailable(kind: $k, near: $n, from: $f, to: $t, minCapacity: $m, first: 10) {
            totalCount edges { node { nearness freeSlots firstFreeSlot { startsAt free } facility { name address capacity } } } } }`,
          variables: {
            k: KINDS[i % KINDS.length],
            n: near,
            f: new Date(start).toISOString(),
            t: new Date(start + 7 * DAY_MS).toISOString(),
            m: 1 + (i % 2),
          },
        };
      },
      subgraph: { name: 'facilities' },
    },
    {
      name: 'book-facility',
      description: 'a resident books one slot (transaction: facility lock, slot check in SQL, insert, audit event)',
      request: (i) => {
        // A day 1–13 ahead, then one of that weekday's open slots of a facility not closed then.
        for (let attempt = 0; ; attempt++) {
          const day = localDay(1 + ((i + attempt) % 13));
          const options = byWeekday.get(isoWeekday(day)) ?? [];
          if (options.length === 0) continue;
          const interval = options[(i * 31 + attempt) % options.length]!;
          if (interval.closed.includes(day)) continue;
          const slots = (interval.end_minute - interval.start_minute) / interval.slot;
          const start = interval.start_minute + ((i * 7) % slots) * interval.slot;
          const startsAt = midnight(day) + start * 60_000;
          return {
            query: 'mutation ($input: BookFacilityInput!) { bookFacility(input: $input) { booking { id status } } }',
            variables: {
              input: {
                facilityId: interval.id,
                startsAt: new Date(startsAt).toISOString(),
                endsAt: new Date(startsAt + interval.slot * 60_000).toISOString(),
              },
            },
            token: residents[bookings++ % residents.length],
          };
        }
      },
    },
  ];
};

export default facilitiesScenarios;
