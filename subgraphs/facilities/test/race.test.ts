import { startTestGraph, type TestGraph } from '../../../test/support/graph';
import { at, BOOK, listedFacility, newUnit, nextWeekday, resident } from './support';

/**
 * Never overbooked: 200 simultaneous bookings of overlapping intervals through the gateway, for
 * capacity 1 (the exclusion constraint) and capacity N (the facility row lock). Every request
 * comes from a different resident, so the weekly quota plays no part.
 */

const REQUESTS = 200;

let graph: TestGraph;
beforeAll(async () => {
  // The race is about never overbooking: on a loaded 2-core machine PGlite's one-at-a-time
  // queue can outlast the gateway's default 10 s subgraph deadline, which is tested elsewhere.
  graph = await startTestGraph({ config: { SUBGRAPH_TIMEOUT_MS: '120000' } });
});
afterAll(async () => {
  await graph?.stop();
});

/** Every interval contains 10:00–11:00 local, so no more than the capacity can hold at once. */
function interval(day: string, i: number): { startsAt: string; endsAt: string } {
  const starts = ['08:00', '09:00', '10:00'][i % 3]!;
  const ends = ['11:00', '12:00'][Math.floor(i / 3) % 2]!;
  return { startsAt: at(day, starts), endsAt: at(day, ends) };
}

async function race(capacity: number) {
  const unit = await newUnit();
  const facilityId = await listedFacility(graph, unit, { capacity, kind: capacity === 1 ? 'MEETING_ROOM' : 'PARKING' });
  const day = nextWeekday(3);
  const tokens = await Promise.all(Array.from({ length: REQUESTS }, (_, i) => resident(`racer-${capacity}-${i}`)));
  const responses = await Promise.all(
    tokens.map((token, i) => graph.request(BOOK, { token, variables: { input: { facilityId, ...interval(day, i) } } })),
  );
  const codes = responses.map((r) => (r.body.errors ? String(r.body.errors[0]!.extensions?.code) : 'OK'));
  const tally = codes.reduce<Record<string, number>>((acc, code) => ({ ...acc, [code]: (acc[code] ?? 0) + 1 }), {});
  expect(tally).toEqual({ OK: capacity, CONFLICT: REQUESTS - capacity });
  // And the database agrees: at no instant do active bookings exceed the capacity.
  const [peak] = await graph.database.query<{ peak: number; total: number }>(
    `SELECT max(used)::int AS peak, (SELECT count(*)::int FROM facilities.booking WHERE facility_id = $1) AS total
       FROM (SELECT (SELECT coalesce(sum(o.quantity), 0) FROM facilities.booking o
                      WHERE o.facility_id = b.facility_id AND o.status IN ('PENDING', 'CONFIRMED', 'CHECKED_IN')
                        AND o.starts_at <= b.starts_at AND o.ends_at > b.starts_at) AS used
               FROM facilities.booking b WHERE b.facility_id = $1) AS s`,
    [facilityId],
  );
  expect(peak).toEqual({ peak: capacity, total: capacity });
}

test(`capacity 1: of ${REQUESTS} simultaneous overlapping bookings exactly one succeeds, every other is CONFLICT`, async () => {
  await race(1);
}, 180_000);

test(`capacity 5: of ${REQUESTS} simultaneous overlapping bookings exactly five succeed, every other is CONFLICT`, async () => {
  await race(5);
}, 180_000);
