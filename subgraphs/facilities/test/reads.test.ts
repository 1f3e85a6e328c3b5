import { startTestGraph, type TestGraph } from '../../../test/support/graph';
import { addDays, at, BOOK, isoWeekday, JIFU, listedFacility, newUnit, nextWeekday, QINGBO, resident, type Unit } from './support';

/** Availability, search and usage against values computed here, and their statement counts. */

interface PlanNode {
  'Relation Name'?: string;
  'Actual Loops': number;
  Plans?: PlanNode[];
}

let graph: TestGraph;
let unit: Unit;
beforeAll(async () => {
  graph = await startTestGraph();
  unit = await newUnit();
});
afterAll(async () => {
  await graph?.stop();
});

const AVAILABILITY = `query ($id: ID!, $f: DateTime!, $t: DateTime!) { availability(facilityId: $id, from: $f, to: $t) { startsAt endsAt free } }`;
const FIND = `query ($k: FacilityKind!, $n: AreaCode!, $f: DateTime!, $t: DateTime!, $m: Int, $first: Int, $after: String) {
  findAvailable(kind: $k, near: $n, from: $f, to: $t, minCapacity: $m, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { nearness freeSlots firstFreeSlot { startsAt free } facility { id name communityCode capacity } } } } }`;

const HOURS = [
  { weekday: 1, opens: '09:00', closes: '12:00' },
  { weekday: 1, opens: '14:00', closes: '18:00' },
  { weekday: 2, opens: '08:00', closes: '10:00' },
  { weekday: 3, opens: '19:00', closes: '24:00' },
  { weekday: 4, opens: '00:00', closes: '02:00' },
];

/** The slots a test computes itself: local days from `first` for `days` days, minus closed days. */
function expectedSlots(
  first: string,
  days: number,
  closed: string[],
  capacity: number,
  bookings: { start: string; end: string; quantity: number }[],
) {
  const slots: { startsAt: string; endsAt: string; free: number }[] = [];
  for (let d = 0; d < days; d++) {
    const day = addDays(first, d);
    if (closed.includes(day)) continue;
    for (const interval of HOURS.filter((h) => h.weekday === isoWeekday(day))) {
      const startMinutes = Number(interval.opens.slice(0, 2)) * 60;
      const endMinutes = Number(interval.closes.slice(0, 2)) * 60;
      for (let m = startMinutes; m < endMinutes; m += 60) {
        const startsAt = Date.parse(at(day, '00:00')) + m * 60_000;
        const endsAt = startsAt + 3_600_000;
        const used = bookings
          .filter((b) => Date.parse(b.start) < endsAt && Date.parse(b.end) > startsAt)
          .reduce((sum, b) => sum + b.quantity, 0);
        slots.push({ startsAt: new Date(startsAt).toISOString(), endsAt: new Date(endsAt).toISOString(), free: capacity - used });
      }
    }
  }
  return slots;
}

describe('availability and usage', () => {
  const monday = nextWeekday(1, 3);
  const closed = addDays(monday, 1);
  let id: string;
  const made: { start: string; end: string; quantity: number; booker: string }[] = [];

  beforeAll(async () => {
    id = await listedFacility(graph, unit, {
      kind: 'FITNESS_ROOM',
      capacity: 3,
      openingHours: HOURS,
      closures: [{ startsOn: closed, endsOn: closed, reason: '设备维护' }],
      policy: { weeklyQuota: 10 },
    });
    const requests = [
      { start: at(monday, '09:00'), end: at(monday, '11:00'), quantity: 2, booker: 'a' },
      { start: at(monday, '10:00'), end: at(monday, '12:00'), quantity: 1, booker: 'b' },
      { start: at(monday, '14:00'), end: at(monday, '15:00'), quantity: 3, booker: 'c' },
      { start: at(addDays(monday, 2), '22:00'), end: at(addDays(monday, 3), '01:00'), quantity: 1, booker: 'a' },
      { start: at(addDays(monday, 7), '09:00'), end: at(addDays(monday, 7), '10:00'), quantity: 1, booker: 'd' },
    ];
    for (const r of requests) {
      const response = await graph.request(BOOK, {
        token: await resident(`usage-${r.booker}`),
        variables: { input: { facilityId: id, startsAt: r.start, endsAt: r.end, quantity: r.quantity } },
      });
      expect(response.body.errors).toBeUndefined();
      made.push(r);
    }
  });

  test('free capacity per slot matches the slots computed from hours, closures and bookings', async () => {
    for (const days of [1, 3, 9]) {
      const response = await graph.request(AVAILABILITY, {
        variables: { id, f: at(monday, '00:00'), t: at(addDays(monday, days), '00:00') },
      });
      expect(response.body.data?.availability).toEqual(expectedSlots(monday, days, [closed], 3, made));
    }
  });

  test('a week of availability is the same statements as a day', async () => {
    const count = async (days: number) => {
      const before = graph.statements.length;
      const response = await graph.request(AVAILABILITY, {
        variables: { id, f: at(monday, '00:00'), t: at(addDays(monday, days), '00:00') },
      });
      expect(response.body.errors).toBeUndefined();
      return graph.statements.length - before;
    };
    const day = await count(1);
    expect(day).toBeLessThanOrEqual(1);
    expect(await count(7)).toBe(day);
    expect(await count(31)).toBe(day);
  });

  test('usage: hours open, hours booked, bookings, people and no-show rate', async () => {
    // One booking was a no-show and one came: recorded as the unit would after the fact.
    await graph.database.query(
      `UPDATE facilities.booking SET status = CASE WHEN booker LIKE 'usage-b%' THEN 'NO_SHOW'::facilities."BookingStatus" ELSE 'CHECKED_IN'::facilities."BookingStatus" END
        WHERE facility_id = $1 AND (booker LIKE 'usage-b%' OR booker LIKE 'usage-c%')`,
      [id],
    );
    const usage = await graph.request(
      `query ($id: ID!, $f: Date!, $t: Date!) { facilityUsage(facilityId: $id, from: $f, to: $t) { facilities hoursOpen hoursBooked bookings peopleServed noShowRate } }`,
      { variables: { id, f: monday, t: addDays(monday, 6) } },
    );
    const open = expectedSlots(monday, 7, [closed], 3, []).length;
    expect(usage.body.data?.facilityUsage).toEqual({
      facilities: 1,
      hoursOpen: open,
      // a 2h + b 2h (no-show) + c 1h + a 3h; d is the week after.
      hoursBooked: 8,
      bookings: 4,
      // a and c (checked in or confirmed); b did not come.
      peopleServed: 2,
      noShowRate: 0.5,
    });
    const byUnit = await graph.request(
      `query ($u: ID!, $f: Date!, $t: Date!) { facilityUsage(unitId: $u, from: $f, to: $t) { bookings } }`,
      {
        variables: { u: unit.id, f: monday, t: addDays(monday, 6) },
      },
    );
    expect(byUnit.body.data?.facilityUsage.bookings).toBeGreaterThanOrEqual(4);
    const neither = await graph.request(`query ($f: Date!) { facilityUsage(from: $f, to: $f) { bookings } }`, { variables: { f: monday } });
    expect(neither.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('findAvailable', () => {
  const day = nextWeekday(6, 3);
  const window = { f: at(day, '09:00'), t: at(day, '12:00') };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const place = async (name: string, communityCode: string, capacity = 4) =>
      (ids[name] = await listedFacility(graph, unit, { kind: 'LIBRARY', name, communityCode, capacity, policy: { weeklyQuota: 10 } }));
    await place('A 同社区', JIFU);
    await place('B 同街道', '510107001003');
    await place('C 同区', '510107002001');
    await place('D 同城', QINGBO);
    await place('E 满员', JIFU, 1);
    await place('F 北京', '110108001001');
    // E is full for the whole window.
    await graph.request(BOOK, {
      token: await resident(),
      variables: { input: { facilityId: ids['E 满员'], startsAt: window.f, endsAt: at(day, '12:00') } },
    });
    await graph.request(BOOK, {
      token: await resident(),
      variables: { input: { facilityId: ids['A 同社区'], startsAt: window.f, endsAt: at(day, '10:00'), quantity: 3 } },
    });
  });

  test('nearest jurisdiction first, only the city searched, full facilities left out', async () => {
    const response = await graph.request(FIND, { variables: { k: 'LIBRARY', n: JIFU, ...window } });
    const nodes = response.body.data?.findAvailable.edges.map((e: { node: { nearness: string; facility: { name: string } } }) => [
      e.node.nearness,
      e.node.facility.name,
    ]);
    expect(nodes).toEqual([
      ['SAME_COMMUNITY', 'A 同社区'],
      ['SAME_STREET', 'B 同街道'],
      ['SAME_DISTRICT', 'C 同区'],
      ['SAME_CITY', 'D 同城'],
    ]);
    expect(response.body.data?.findAvailable.totalCount).toBe(4);
    const a = response.body.data?.findAvailable.edges[0].node;
    expect(a).toMatchObject({ freeSlots: 3, firstFreeSlot: { startsAt: window.f, free: 1 } });
    // Asking for two free places: A's first hour no longer counts.
    const two = await graph.request(FIND, { variables: { k: 'LIBRARY', n: JIFU, m: 2, ...window } });
    expect(two.body.data?.findAvailable.edges[0].node).toMatchObject({
      freeSlots: 2,
      firstFreeSlot: { startsAt: at(day, '10:00'), free: 4 },
    });
  });

  test('pages through the results with a cursor', async () => {
    const first = await graph.request(FIND, { variables: { k: 'LIBRARY', n: JIFU, first: 2, ...window } });
    expect(first.body.data?.findAvailable.pageInfo.hasNextPage).toBe(true);
    const rest = await graph.request(FIND, {
      variables: { k: 'LIBRARY', n: JIFU, first: 10, after: first.body.data?.findAvailable.pageInfo.endCursor, ...window },
    });
    expect(rest.body.data?.findAvailable.edges.map((e: { node: { facility: { name: string } } }) => e.node.facility.name)).toEqual([
      'C 同区',
      'D 同城',
    ]);
  });

  test('statement count is the same for a few facilities or many, a short window or two weeks', async () => {
    const count = async (to: string) => {
      const before = graph.statements.length;
      const response = await graph.request(FIND, { variables: { k: 'LIBRARY', n: '510107000000', f: window.f, t: to } });
      expect(response.body.errors).toBeUndefined();
      return { statements: graph.statements.length - before, total: response.body.data?.findAvailable.totalCount as number };
    };
    const small = await count(window.t);
    for (let i = 0; i < 8; i++)
      await listedFacility(graph, unit, { kind: 'LIBRARY', name: `G${i}`, communityCode: '510107003002', capacity: 2 });
    const large = await count(at(addDays(day, 14), '09:00'));
    expect(large.total).toBeGreaterThan(small.total + 7);
    expect(large.statements).toBe(small.statements);
    expect(small.statements).toBeLessThanOrEqual(3);
  });

  /** How often a statement read the bookings table (once per slot whose held places it needed), from EXPLAIN ANALYZE. */
  async function bookingReads(statement: { sql: string; params: string } | undefined): Promise<number> {
    expect(statement).toBeDefined();
    const [row] = await graph.database.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${statement!.sql}`,
      JSON.parse(statement!.params) as unknown[],
    );
    const reads = (node: PlanNode): number =>
      (node['Relation Name'] === 'booking' ? node['Actual Loops'] : 0) + (node.Plans ?? []).reduce((sum, child) => sum + reads(child), 0);
    return reads(row!['QUERY PLAN'][0]!.Plan);
  }

  test("the page works out the slots of the facilities it shows, not the whole city's; the count stops at each one's first free slot", async () => {
    for (let i = 0; i < 6; i++)
      await listedFacility(graph, unit, { kind: 'LIBRARY', name: `H${i}`, communityCode: '510107003001', capacity: 2 });
    const slots = (await graph.request(AVAILABILITY, { variables: { id: ids['A 同社区'], ...window } })).body.data?.availability
      .length as number;
    expect(slots).toBe(3);
    const before = graph.statementLog.length;
    const response = await graph.request(FIND, { variables: { k: 'LIBRARY', n: JIFU, first: 2, ...window } });
    const total = response.body.data?.findAvailable.totalCount as number;
    expect(response.body.data?.findAvailable.edges).toHaveLength(2);
    // Every one of these has a free slot; one more (E) is full: computing every slot would read bookings 3 × (total + 1) times.
    expect(total).toBeGreaterThanOrEqual(10);
    const sent = graph.statementLog.slice(before);
    const page = sent.find((s) => s.sql.includes('free_slots') && s.sql.includes('LIMIT'));
    const count = sent.find((s) => s.sql.includes('count(*)::int AS count'));
    // The page walks A, E (full, same community), B and C: each slot of the three shown read at
    // most twice (whether it is free, then the first free slot's places), E's once.
    expect(await bookingReads(page)).toBeLessThanOrEqual(2 * slots * 3 + slots);
    // The count: one read per facility whose first slot is free, all three of E's (full).
    expect(await bookingReads(count)).toBeLessThanOrEqual(total + slots + 1);
  });

  test('windows too long or reversed, and bad capacities, are BAD_USER_INPUT', async () => {
    const code = async (variables: Record<string, unknown>) =>
      (await graph.request(FIND, { variables: { k: 'LIBRARY', n: JIFU, ...window, ...variables } })).body.errors?.[0]?.extensions;
    expect(await code({ t: at(addDays(day, 20), '00:00') })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(await code({ t: window.f, f: window.t })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(await code({ m: 0 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'minCapacity' });
    expect(await code({ after: 'garbage' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});
