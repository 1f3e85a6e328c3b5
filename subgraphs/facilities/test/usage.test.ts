import { startTestGraph, type TestGraph } from '../../../test/support/graph';
import {
  addDays,
  at,
  BOOK,
  CHANGE,
  JIFU,
  listedFacility,
  localToday,
  newUnit,
  REGISTER,
  registerInput,
  resident,
  type Unit,
} from './support';

/**
 * facilityUsage counts the hours a facility was open from its status history, whatever its
 * status today: a facility suspended in the middle of the period gave its hours until then, one
 * listed in the middle from then on. The history is moved back in time by rewriting the events'
 * instants, as if each step had been taken on the day named.
 */

const USAGE = `query ($id: ID, $unit: ID, $within: AreaCode, $f: Date!, $t: Date!) {
  facilityUsage(facilityId: $id, unitId: $unit, within: $within, from: $f, to: $t) { facilities hoursOpen hoursBooked bookings } }`;

// 09:00–17:00 every day: eight one-hour slots.
const HOURS = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '09:00', closes: '17:00' }));

const today = localToday();
const from = addDays(today, -10);
const to = addDays(today, 10);

let graph: TestGraph;
let unit: Unit;
const ids: Record<'suspended' | 'listedThroughout' | 'listedLate' | 'neverListed', string> = {
  suspended: '',
  listedThroughout: '',
  listedLate: '',
  neverListed: '',
};

/** Moves the facility's step into `to` to a local day and time. */
async function stepAt(id: string, to: string, day: string, time: string): Promise<void> {
  const moved = await graph.database.query(
    `UPDATE facilities.facility_event SET at = $3 WHERE entity_id = $1 AND to_status = $2 RETURNING id`,
    [id, to, at(day, time)],
  );
  expect(moved).toHaveLength(1);
}

beforeAll(async () => {
  graph = await startTestGraph();
  unit = await newUnit();
  const list = async () => listedFacility(graph, unit, { openingHours: HOURS, capacity: 2 });

  ids.suspended = await list();
  // Two bookings after the suspension: kept, and counted.
  for (const [day, start, end] of [
    [addDays(today, 1), '10:00', '12:00'],
    [addDays(today, 3), '10:00', '11:00'],
  ] as const) {
    const booked = await graph.request(BOOK, {
      token: await resident(),
      variables: { input: { facilityId: ids.suspended, startsAt: at(day, start), endsAt: at(day, end) } },
    });
    expect(booked.body.errors).toBeUndefined();
  }
  const suspended = await graph.request(CHANGE, {
    token: unit.admin,
    variables: { input: { id: ids.suspended, to: 'SUSPENDED', reason: '设施维修', expectedVersion: 2 } },
  });
  expect(suspended.body.errors).toBeUndefined();
  await stepAt(ids.suspended, 'SUBMITTED', addDays(today, -30), '09:00');
  await stepAt(ids.suspended, 'LISTED', addDays(today, -20), '09:00');
  await stepAt(ids.suspended, 'SUSPENDED', addDays(today, -4), '13:00');
  // A closure while it was listed: that day gave no hours.
  await graph.database.query(`INSERT INTO facilities.closure (facility_id, starts_on, ends_on, reason) VALUES ($1, $2, $2, '设备检修')`, [
    ids.suspended,
    addDays(today, -7),
  ]);

  ids.listedThroughout = await list();
  await stepAt(ids.listedThroughout, 'SUBMITTED', addDays(today, -30), '09:00');
  await stepAt(ids.listedThroughout, 'LISTED', addDays(today, -20), '09:00');

  ids.listedLate = await list();
  await stepAt(ids.listedLate, 'SUBMITTED', addDays(today, -3), '09:00');
  await stepAt(ids.listedLate, 'LISTED', addDays(today, -2), '12:30');

  const registered = await graph.request(REGISTER, {
    token: unit.admin,
    variables: { input: registerInput(unit, { openingHours: HOURS }) },
  });
  ids.neverListed = registered.body.data!.registerFacility.facility.id;
});
afterAll(async () => {
  await graph?.stop();
});

async function usage(variables: Record<string, string>) {
  const response = await graph.request(USAGE, { variables: { f: from, t: to, ...variables } });
  expect(response.body.errors).toBeUndefined();
  return response.body.data?.facilityUsage;
}

test('a facility suspended mid-period gave its hours until the suspension, minus closures; its bookings after it still count', async () => {
  // today−10 … today−5: six days, one closed (today−7): 5 × 8 h; today−4: the slots starting
  // before 13:00 (09–12): 4 h; nothing after the suspension.
  expect(await usage({ id: ids.suspended })).toEqual({ facilities: 1, hoursOpen: 5 * 8 + 4, hoursBooked: 3, bookings: 2 });
});

test('a facility listed mid-period gave its hours from then on; one listed throughout, every day', async () => {
  expect(await usage({ id: ids.listedThroughout })).toEqual({ facilities: 1, hoursOpen: 21 * 8, hoursBooked: 0, bookings: 0 });
  // today−2 from the 13:00 slot (the 12:00 slot began before 12:30): 4 h; then 12 days of 8 h.
  expect(await usage({ id: ids.listedLate })).toEqual({ facilities: 1, hoursOpen: 4 + 12 * 8, hoursBooked: 0, bookings: 0 });
});

test('a community and a unit add their facilities up; one never listed gives nothing and is not counted', async () => {
  expect(await usage({ id: ids.neverListed })).toEqual({ facilities: 0, hoursOpen: 0, hoursBooked: 0, bookings: 0 });
  const total = { facilities: 3, hoursOpen: 44 + 168 + 100, hoursBooked: 3, bookings: 2 };
  expect(await usage({ within: JIFU })).toEqual(total);
  expect(await usage({ unit: unit.id })).toEqual(total);
});

test('a period before a facility was listed gives it no hours and does not count it', async () => {
  const response = await graph.request(USAGE, { variables: { id: ids.listedLate, f: addDays(today, -20), t: addDays(today, -3) } });
  expect(response.body.data?.facilityUsage).toEqual({ facilities: 0, hoursOpen: 0, hoursBooked: 0, bookings: 0 });
});
