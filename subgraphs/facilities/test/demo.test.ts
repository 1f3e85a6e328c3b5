import { startTestGraph, type TestGraph } from '../../../test/support/graph';
import { addDays, todayIn } from '../../../lib/kernel/dates';
import { seedFacilities } from '../prisma/seed';
import { tokenFor } from '../../../test/support/tokens';
import { isoWeekday } from './support';

/** The demo facility network over the seeded city, and the fields it adds to Community and Organization. */

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph({ seed: true });
});
afterAll(async () => {
  await graph?.stop();
});

const counts = () =>
  graph.database.query<{
    facilities: number;
    kinds: number;
    districts: number;
    bookings: number;
    past: number;
    future: number;
    closures: number;
    waiting: number;
  }>(
    `SELECT (SELECT count(*)::int FROM facilities.facility) AS facilities,
            (SELECT count(DISTINCT kind)::int FROM facilities.facility) AS kinds,
            (SELECT count(DISTINCT left(community_code, 6))::int FROM facilities.facility) AS districts,
            (SELECT count(*)::int FROM facilities.booking) AS bookings,
            (SELECT count(*)::int FROM facilities.booking WHERE starts_at < now()) AS past,
            (SELECT count(*)::int FROM facilities.booking WHERE starts_at > now()) AS future,
            (SELECT count(*)::int FROM facilities.closure) AS closures,
            (SELECT count(*)::int FROM facilities.waitlist_entry WHERE status = 'WAITING') AS waiting`,
  );

test('well over 100 facilities of every kind in every demo district, thousands of bookings; seeding again adds nothing', async () => {
  const [before] = await counts();
  expect(before!.facilities).toBeGreaterThan(150);
  expect(before!.kinds).toBe(8);
  expect(before!.districts).toBe(7);
  expect(before!.bookings).toBeGreaterThan(2000);
  expect(before!.past).toBeGreaterThan(1000);
  expect(before!.future).toBeGreaterThan(500);
  expect(before!.closures).toBeGreaterThan(10);
  expect(before!.waiting).toBe(3);
  await graph.database.withSession((session) => seedFacilities(session));
  expect(await counts()).toEqual([before]);
  // Every unit is an organisation of the registry, in the facility's district.
  const strays = await graph.database.query(
    `SELECT f.id FROM facilities.facility f LEFT JOIN organizations.organization o ON o.id = f.unit_id
      WHERE o.id IS NULL OR left(o.registration_area, 6) <> left(f.community_code, 6)`,
  );
  expect(strays).toEqual([]);
  // And the demo bookings themselves never overbook.
  const over = await graph.database.query(
    `SELECT b.id FROM facilities.booking b JOIN facilities.facility f ON f.id = b.facility_id
      WHERE b.status IN ('PENDING', 'CONFIRMED', 'CHECKED_IN')
        AND (SELECT sum(o.quantity) FROM facilities.booking o WHERE o.facility_id = b.facility_id
              AND o.status IN ('PENDING', 'CONFIRMED', 'CHECKED_IN') AND o.starts_at <= b.starts_at AND o.ends_at > b.starts_at) > f.capacity`,
  );
  expect(over).toEqual([]);
});

test('the seeded waiting list: three residents in line for a full slot, each seeing their position', async () => {
  const [slot] = await graph.database.query<{ full: boolean }>(
    `SELECT bool_and(b.status = 'CONFIRMED' AND f.capacity = 1) AS full
       FROM facilities.waitlist_entry w JOIN facilities.facility f ON f.id = w.facility_id
       JOIN facilities.booking b ON b.facility_id = w.facility_id AND b.starts_at = w.starts_at AND b.ends_at = w.ends_at`,
  );
  expect(slot!.full).toBe(true);
  const positions = [];
  for (const n of [601, 602, 603]) {
    const response = await graph.request('query { myWaitlistEntries { edges { node { status position } } } }', {
      token: await tokenFor({ roles: ['RESIDENT'], area: '110108001001', sub: `demo-resident-${n}` }),
    });
    positions.push(response.body.data!.myWaitlistEntries.edges.map((e: any) => e.node));
  }
  expect(positions).toEqual([1, 2, 3].map((position) => [{ status: 'WAITING', position }]));
});

test('Community.sharedFacilities and Organization.facilities through the gateway, batched', async () => {
  const query = `query ($n: Int) { communities(filter: { within: "110108000000" }, first: $n) { edges { node { code name sharedFacilities(first: 5) { totalCount edges { node { name kind status community { code } unit { id name facilities(first: 2) { totalCount } } } } } } } } }`;
  const run = async (n: number) => {
    const before = graph.statements.length;
    const response = await graph.request(query, { variables: { n } });
    expect(response.body.errors).toBeUndefined();
    if (process.env.SHOW_SQL)
      console.log(
        graph.statements
          .slice(before)
          .map((s) => s.slice(0, 150))
          .join('\n'),
      );
    return { body: response.body.data as any, statements: graph.statements.length - before };
  };
  const small = await run(2);
  const large = await run(20);
  expect(large.statements).toBe(small.statements);
  const communities = large.body.communities.edges.map((e: any) => e.node);
  expect(communities).toHaveLength(20);
  for (const community of communities) {
    const [{ n }] = (await graph.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM facilities.facility WHERE community_code = $1 AND status IN ('LISTED', 'SUSPENDED')`,
      [community.code],
    )) as [{ n: number }];
    expect(community.sharedFacilities.totalCount).toBe(n);
    for (const { node } of community.sharedFacilities.edges) {
      expect(node.community.code).toBe(community.code);
      expect(node.unit.name).toBeTruthy();
      expect(node.unit.facilities.totalCount).toBeGreaterThan(0);
    }
  }
});

test("a seeded suspended facility's usage counts its hours until the suspension, its bookings throughout", async () => {
  const today = todayIn('Asia/Shanghai');
  const suspended = await graph.database.query<{ id: string; slot: number }>(
    `SELECT id::text AS id, slot_minutes AS slot FROM facilities.facility WHERE status = 'SUSPENDED' ORDER BY id`,
  );
  expect(suspended.length).toBeGreaterThan(2);
  const usage = async (id: string, from: string, to: string) => {
    const response = await graph.request(
      `query ($id: ID!, $f: Date!, $t: Date!) { facilityUsage(facilityId: $id, from: $f, to: $t) { facilities hoursOpen hoursBooked } }`,
      {
        variables: { id, f: from, t: to },
      },
    );
    expect(response.body.errors).toBeUndefined();
    return response.body.data?.facilityUsage;
  };
  for (const { id, slot } of suspended) {
    // Its weekly hours minus its closures over the two weeks before today, computed here.
    const hours = await graph.database.query<{ weekday: number; start: number; end: number }>(
      `SELECT weekday, start_minute AS start, end_minute AS "end" FROM facilities.opening_hours WHERE facility_id = $1`,
      [id],
    );
    const closures = await graph.database.query<{ from: string; to: string }>(
      `SELECT starts_on::text AS from, ends_on::text AS to FROM facilities.closure WHERE facility_id = $1`,
      [id],
    );
    let minutes = 0;
    for (let d = -14; d <= -1; d++) {
      const day = addDays(today, d);
      if (closures.some((c) => day >= c.from && day <= c.to)) continue;
      for (const h of hours.filter((h) => h.weekday === isoWeekday(day))) minutes += Math.floor((h.end - h.start) / slot) * slot;
    }
    const before = await usage(id, addDays(today, -14), addDays(today, -1));
    expect({ id, hoursOpen: before.hoursOpen, facilities: before.facilities }).toEqual({ id, hoursOpen: minutes / 60, facilities: 1 });
    expect(before.hoursBooked).toBeGreaterThan(0);
    // Suspended since it was seeded: no hours after today, its kept bookings still count.
    const after = await usage(id, addDays(today, 1), addDays(today, 13));
    expect(after.hoursOpen).toBe(0);
  }
});
