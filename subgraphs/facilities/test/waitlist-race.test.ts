import { startTestGraph, type TestGraph } from '../../../test/support/graph';
import { at, BOOK, listedFacility, newUnit, nextWeekday, resident } from './support';

/**
 * Exactly-once promotion on PostgreSQL, where transactions really run at once: 200 waiters on a
 * full interval of a 20-place car park, then its 20 holders all cancel at the same moment.
 * Exactly the first 20 waiters in line are promoted, each once, and the rest keep their order.
 * (PGlite runs one transaction at a time, so it cannot race; the flows are tested on it in
 * waitlist.test.ts.)
 */

const CAPACITY = 20;
const WAITERS = 200;
const onPostgres = process.env.TEST_DB_KIND === 'postgres';

let graph: TestGraph;
beforeAll(async () => {
  if (onPostgres) graph = await startTestGraph({ config: { SUBGRAPH_TIMEOUT_MS: '120000' } });
});
afterAll(async () => {
  await graph?.stop();
});

const JOIN = `mutation ($input: JoinWaitlistInput!) { joinWaitlist(input: $input) { entry { id position } } }`;
const CANCEL = `mutation ($input: CancelBookingInput!) { cancelBooking(input: $input) { booking { status } } }`;

(onPostgres ? test : test.skip)(
  `${WAITERS} waiters and ${CAPACITY} simultaneous cancellations promote exactly ${CAPACITY}, in order, none twice`,
  async () => {
    const unit = await newUnit();
    const facilityId = await listedFacility(graph, unit, { capacity: CAPACITY, kind: 'PARKING' });
    const day = nextWeekday(3);
    const interval = { startsAt: at(day, '10:00'), endsAt: at(day, '11:00') };
    const holders = await Promise.all(Array.from({ length: CAPACITY }, () => resident()));
    const bookings: string[] = [];
    for (const holder of holders) {
      const booked = await graph.request(BOOK, { token: holder, variables: { input: { facilityId, ...interval } } });
      bookings.push(booked.body.data!.bookFacility.booking.id);
    }
    // Joined one after another, so the order of the line is known.
    const entries: string[] = [];
    for (let i = 0; i < WAITERS; i++) {
      const joined = await graph.request(JOIN, { token: await resident(), variables: { input: { facilityId, ...interval } } });
      expect(joined.body.data!.joinWaitlist.entry.position).toBe(i + 1);
      entries.push(joined.body.data!.joinWaitlist.entry.id);
    }

    const cancelled = await Promise.all(
      holders.map((token, i) => graph.request(CANCEL, { token, variables: { input: { id: bookings[i] } } })),
    );
    expect(cancelled.map((r) => r.body.errors ?? r.body.data!.cancelBooking.booking.status)).toEqual(holders.map(() => 'CANCELLED'));

    const rows = await graph.database.query<{ id: string; status: string; booking_id: string | null; booking_status: string | null }>(
      `SELECT w.id::text, w.status::text, w.booking_id::text, b.status::text AS booking_status
         FROM facilities.waitlist_entry w LEFT JOIN facilities.booking b ON b.id = w.booking_id
        WHERE w.facility_id = $1::uuid ORDER BY w.seq`,
      [facilityId],
    );
    expect(rows.map((r) => r.id)).toEqual(entries);
    expect(rows.map((r) => r.status)).toEqual([...Array(CAPACITY).fill('PROMOTED'), ...Array(WAITERS - CAPACITY).fill('WAITING')]);
    const promotedBookings = rows.filter((r) => r.booking_id !== null);
    expect(new Set(promotedBookings.map((r) => r.booking_id)).size).toBe(CAPACITY);
    expect(promotedBookings.every((r) => r.booking_status === 'CONFIRMED')).toBe(true);
    const [held] = await graph.database.query<{ active: number; promotions: number }>(
      `SELECT (SELECT count(*)::int FROM facilities.booking WHERE facility_id = $1::uuid AND status IN ('PENDING', 'CONFIRMED', 'CHECKED_IN')) AS active,
              (SELECT count(*)::int FROM facilities.facility_event e JOIN facilities.waitlist_entry w ON w.id = e.entity_id
                WHERE w.facility_id = $1::uuid AND e.entity_type = 'WaitlistEntry' AND e.action = 'PROMOTE') AS promotions`,
      [facilityId],
    );
    expect(held).toEqual({ active: CAPACITY, promotions: CAPACITY });
    // Those still waiting moved up by exactly the number promoted.
    const [next] = await graph.database.query<{ position: number }>(
      `SELECT count(*)::int AS position FROM facilities.waitlist_entry o, facilities.waitlist_entry w
        WHERE w.id = $1::uuid AND o.facility_id = w.facility_id AND o.status = 'WAITING' AND o.seq <= w.seq`,
      [entries[CAPACITY]],
    );
    expect(next!.position).toBe(1);
  },
  300_000,
);
