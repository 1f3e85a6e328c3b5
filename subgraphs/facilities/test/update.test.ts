import { startTestGraph, type TestGraph } from '../../../test/support/graph';
import { at, BOOK, CHANGE, codeOf, JIFU, listedFacility, newUnit, nextWeekday, resident, token, WUHOU } from './support';

/**
 * The unit edits its facility through the gateway: only the fields given change, under its
 * version, and never so that a future booking no longer fits (capacity, opening hours).
 */

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph({ config: { SUBGRAPH_TIMEOUT_MS: '120000' } });
});
afterAll(async () => {
  await graph?.stop();
});

const UPDATE = `mutation ($input: UpdateFacilityInput!) { updateFacility(input: $input) {
  facility { id name address capacity version pricePerSlot { amount } accessibility
             openingHours { weekday opens closes } policy { slotMinutes } history { action reason actorRoles } } } }`;
const FACILITY = `query ($id: ID!) { facility(id: $id) { name capacity version openingHours { weekday opens closes } policy { slotMinutes } } }`;
const CANCEL = `mutation ($input: CancelBookingInput!) { cancelBooking(input: $input) { booking { status } } }`;

const update = (tok: string | undefined, input: Record<string, unknown>) => graph.request(UPDATE, { token: tok, variables: { input } });
const facility = async (id: string) => (await graph.request(FACILITY, { variables: { id } })).body.data!.facility;
const extensions = (body: { errors?: { extensions?: Record<string, unknown> }[] }) => body.errors?.[0]?.extensions;

async function book(facilityId: string, day: string, from: string, to: string, quantity = 1) {
  const tok = await resident();
  const response = await graph.request(BOOK, {
    token: tok,
    variables: { input: { facilityId, startsAt: at(day, from), endsAt: at(day, to), quantity } },
  });
  return { response, token: tok, id: response.body.data?.bookFacility?.booking?.id as string | undefined };
}

test('the unit changes name, address, price and notes; only those change, the version moves and the history says what', async () => {
  const unit = await newUnit();
  const id = await listedFacility(graph, unit, { pricePerSlot: '8.00' });
  const before = await facility(id);
  const changed = await update(unit.admin, {
    id,
    expectedVersion: before.version,
    name: '吉福社区多功能厅',
    address: '晋阳路 2 号',
    pricePerSlot: null,
    accessibility: null,
  });
  expect(changed.body.errors).toBeUndefined();
  const after = changed.body.data!.updateFacility.facility;
  expect(after).toMatchObject({
    name: '吉福社区多功能厅',
    address: '晋阳路 2 号',
    pricePerSlot: null,
    accessibility: null,
    capacity: before.capacity,
    version: before.version + 1,
  });
  expect(after.openingHours).toEqual(before.openingHours);
  expect(after.history.at(-1)).toEqual({
    action: 'UPDATE',
    reason: 'Changed: name, address, pricePerSlot, accessibility',
    actorRoles: ['UNIT_ADMIN'],
  });
  // A price given again is stored exactly.
  const priced = await update(unit.admin, { id, expectedVersion: after.version, pricePerSlot: '12.50' });
  expect(priced.body.data!.updateFacility.facility.pricePerSlot).toEqual({ amount: '12.50' });
});

test("only the unit's own admin may change it; a stale version, an empty change or a withdrawn facility is refused and nothing changes", async () => {
  const unit = await newUnit();
  const id = await listedFacility(graph, unit);
  const { version } = await facility(id);
  const other = await newUnit();
  const worker = await token(['COMMUNITY_WORKER'], JIFU);
  const officer = await token(['DISTRICT_CIVIL_AFFAIRS'], WUHOU);
  expect(codeOf((await update(undefined, { id, expectedVersion: version, name: 'x' })).body)).toBe('UNAUTHENTICATED');
  expect(codeOf((await update(other.admin, { id, expectedVersion: version, name: 'x' })).body)).toBe('FORBIDDEN');
  expect(codeOf((await update(worker, { id, expectedVersion: version, name: 'x' })).body)).toBe('FORBIDDEN');
  expect(codeOf((await update(officer, { id, expectedVersion: version, name: 'x' })).body)).toBe('FORBIDDEN');
  expect(extensions((await update(unit.admin, { id, expectedVersion: version + 1, name: 'x' })).body)).toMatchObject({
    code: 'CONFLICT',
    field: 'input.expectedVersion',
    currentVersion: version,
  });
  expect(extensions((await update(unit.admin, { id, expectedVersion: version })).body)).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'input',
  });
  expect(extensions((await update(unit.admin, { id, expectedVersion: version, capacity: 0 })).body)).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'input.capacity',
  });
  expect(extensions((await update(unit.admin, { id, expectedVersion: version, name: '  ' })).body)).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'input.name',
  });
  expect(
    extensions(
      (await update(unit.admin, { id, expectedVersion: version, openingHours: [{ weekday: 1, opens: '09:30', closes: '17:00' }] })).body,
    ),
  ).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'input.openingHours.0.opens',
  });
  expect((await facility(id)).version).toBe(version);

  const withdrawn = await graph.request(CHANGE, {
    token: unit.admin,
    variables: { input: { id, to: 'WITHDRAWN', reason: '场地收回', expectedVersion: version } },
  });
  expect(withdrawn.body.errors).toBeUndefined();
  const after = withdrawn.body.data!.changeFacilityStatus.facility.version;
  expect(extensions((await update(unit.admin, { id, expectedVersion: after, name: 'x' })).body)).toMatchObject({
    code: 'CONFLICT',
    rule: 'FACILITY_WITHDRAWN',
  });
});

test('the capacity cannot go below what future bookings hold at once; above it, bookings follow the new capacity', async () => {
  const unit = await newUnit();
  const id = await listedFacility(graph, unit, { capacity: 3, kind: 'PARKING' });
  const day = nextWeekday(2);
  expect((await book(id, day, '10:00', '12:00')).id).toBeDefined();
  expect((await book(id, day, '11:00', '13:00')).id).toBeDefined();
  expect((await book(id, day, '15:00', '16:00')).id).toBeDefined();
  const { version } = await facility(id);

  const refused = await update(unit.admin, { id, expectedVersion: version, capacity: 1, name: '停车位（改）' });
  expect(extensions(refused.body)).toMatchObject({ code: 'CONFLICT', field: 'input.capacity', rule: 'CAPACITY_BELOW_BOOKINGS' });
  // The whole update was refused: the name did not change either.
  expect(await facility(id)).toMatchObject({ capacity: 3, version, name: expect.not.stringContaining('改') });

  const lowered = await update(unit.admin, { id, expectedVersion: version, capacity: 2 });
  expect(lowered.body.data!.updateFacility.facility).toMatchObject({ capacity: 2, version: version + 1 });
  const third = await book(id, day, '11:00', '12:00');
  expect(extensions(third.response.body)).toMatchObject({ code: 'CONFLICT', rule: 'CAPACITY' });
  expect((await book(id, day, '13:00', '14:00')).id).toBeDefined();
});

test('opening hours cannot shrink away from a future booking until it is cancelled; a new slot length needs hours restated', async () => {
  const unit = await newUnit();
  const id = await listedFacility(graph, unit);
  const monday = nextWeekday(1);
  const evening = await book(id, monday, '20:00', '22:00');
  expect(evening.id).toBeDefined();
  const office = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: '09:00', closes: '17:00' }));
  const { version, openingHours } = await facility(id);

  const refused = await update(unit.admin, { id, expectedVersion: version, openingHours: office });
  expect(extensions(refused.body)).toMatchObject({ code: 'CONFLICT', field: 'input.openingHours', rule: 'BOOKINGS_OUTSIDE_HOURS' });
  expect((await facility(id)).openingHours).toEqual(openingHours);

  // Hours that still hold the evening, split at 20:00 and 21:00, are fine.
  const split = [
    { weekday: 1, opens: '08:00', closes: '20:00' },
    { weekday: 1, opens: '20:00', closes: '21:00' },
    { weekday: 1, opens: '21:00', closes: '23:00' },
  ];
  const kept = await update(unit.admin, { id, expectedVersion: version, openingHours: split });
  expect(kept.body.errors).toBeUndefined();
  const v2 = kept.body.data!.updateFacility.facility.version;

  const noHours = await update(unit.admin, {
    id,
    expectedVersion: v2,
    policy: {
      slotMinutes: 30,
      minSlots: 1,
      maxSlots: 8,
      advanceDays: 200,
      weeklyQuota: 3,
      approvalRequired: false,
      cancellationDeadlineHours: 2,
    },
  });
  expect(extensions(noHours.body)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.openingHours' });

  const cancelled = await graph.request(CANCEL, { token: evening.token, variables: { input: { id: evening.id } } });
  expect(cancelled.body.data?.cancelBooking.booking.status).toBe('CANCELLED');
  const shrunk = await update(unit.admin, {
    id,
    expectedVersion: v2,
    openingHours: office,
    policy: {
      slotMinutes: 30,
      minSlots: 1,
      maxSlots: 8,
      advanceDays: 200,
      weeklyQuota: 3,
      approvalRequired: false,
      cancellationDeadlineHours: 2,
    },
  });
  expect(shrunk.body.errors).toBeUndefined();
  expect(shrunk.body.data!.updateFacility.facility).toMatchObject({
    policy: { slotMinutes: 30 },
    openingHours: office.map((h) => ({ ...h })),
  });
  // Bookings now follow the new hours and the new slot length.
  expect(extensions((await book(id, monday, '18:00', '19:00')).response.body)).toMatchObject({ rule: 'OPENING_HOURS' });
  expect((await book(id, monday, '09:30', '10:00')).id).toBeDefined();
});

test('bookings racing a capacity cut never exceed the capacity the facility ends with (a real race on PostgreSQL)', async () => {
  const unit = await newUnit();
  const id = await listedFacility(graph, unit, { capacity: 5, kind: 'PARKING' });
  const day = nextWeekday(4);
  const { version } = await facility(id);
  const tokens = await Promise.all(Array.from({ length: 30 }, (_, i) => resident(`cut-${i}-${id.slice(0, 8)}`)));
  const [cut, ...bookings] = await Promise.all([
    update(unit.admin, { id, expectedVersion: version, capacity: 1 }),
    ...tokens.map((tok) =>
      graph.request(BOOK, { token: tok, variables: { input: { facilityId: id, startsAt: at(day, '10:00'), endsAt: at(day, '11:00') } } }),
    ),
  ]);
  for (const response of [cut, ...bookings]) {
    if (response.body.errors) expect(['CONFLICT']).toContain(codeOf(response.body));
  }
  const { capacity } = await facility(id);
  const held = bookings.filter((b) => !b.body.errors).length;
  expect(held).toBeLessThanOrEqual(capacity);
  expect(capacity).toBe(cut.body.errors ? 5 : 1);
}, 120_000);
