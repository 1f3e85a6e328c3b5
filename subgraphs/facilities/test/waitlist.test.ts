import { startTestGraph, type TestGraph } from '../../../test/support/graph';
import { at, BOOK, codeOf, listedFacility, newUnit, nextWeekday, resident, token, JIFU, facilityVersion } from './support';

/** Waiting lists (候补) through the gateway: joining a full interval, positions, leaving, and promotion when a place frees. */

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph();
});
afterAll(async () => {
  await graph?.stop();
});

const JOIN = `mutation ($input: JoinWaitlistInput!) { joinWaitlist(input: $input) { entry { id status position quantity version startsAt endsAt } } }`;
const LEAVE = `mutation ($input: LeaveWaitlistInput!) { leaveWaitlist(input: $input) { entry { id status position statusReason version } } }`;
const CANCEL = `mutation ($input: CancelBookingInput!) { cancelBooking(input: $input) { booking { id status } } }`;
const MINE = `query { myWaitlistEntries { totalCount edges { node { id status position statusReason facility { id } booking { id status startsAt booker } } } } }`;

async function entriesOf(tok: string) {
  const response = await graph.request(MINE, { token: tok });
  expect(response.body.errors).toBeUndefined();
  return response.body.data!.myWaitlistEntries as {
    totalCount: number;
    edges: { node: { id: string; status: string; position: number | null; statusReason: string | null; booking: any } }[];
  };
}

/** A listed room of capacity 1 whose 10:00–11:00 on `day` is held by a fresh resident. */
async function fullRoom(spec: Parameters<typeof listedFacility>[2] = {}) {
  const unit = await newUnit();
  const facilityId = await listedFacility(graph, unit, spec);
  const day = nextWeekday(3);
  const interval = { startsAt: at(day, '10:00'), endsAt: at(day, '11:00') };
  const holder = await resident();
  const booked = await graph.request(BOOK, { token: holder, variables: { input: { facilityId, ...interval } } });
  expect(booked.body.errors).toBeUndefined();
  return { unit, facilityId, day, interval, holder, bookingId: booked.body.data!.bookFacility.booking.id as string };
}

test('waiters of a full interval see their positions; a cancellation promotes the first, who then holds the booking', async () => {
  const { facilityId, interval, holder, bookingId } = await fullRoom();
  const waiters = [await resident(), await resident(), await resident()];
  const joined = [];
  for (const waiter of waiters) {
    const response = await graph.request(JOIN, { token: waiter, variables: { input: { facilityId, ...interval } } });
    expect(response.body.errors).toBeUndefined();
    joined.push(response.body.data!.joinWaitlist.entry);
  }
  expect(joined.map((e) => [e.status, e.position])).toEqual([
    ['WAITING', 1],
    ['WAITING', 2],
    ['WAITING', 3],
  ]);

  const cancelled = await graph.request(CANCEL, { token: holder, variables: { input: { id: bookingId } } });
  expect(cancelled.body.data!.cancelBooking.booking.status).toBe('CANCELLED');

  const first = await entriesOf(waiters[0]!);
  expect(first.edges[0]!.node).toMatchObject({
    status: 'PROMOTED',
    position: null,
    booking: { status: 'CONFIRMED', startsAt: interval.startsAt },
  });
  expect((await entriesOf(waiters[1]!)).edges[0]!.node).toMatchObject({ status: 'WAITING', position: 1, booking: null });
  expect((await entriesOf(waiters[2]!)).edges[0]!.node).toMatchObject({ status: 'WAITING', position: 2 });
  // The promoted booking holds the place: the next booker is refused for capacity.
  const late = await graph.request(BOOK, { token: await resident(), variables: { input: { facilityId, ...interval } } });
  expect(late.body.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT' });
});

test('joining is refused with the rule: a free interval (NOT_FULL), twice (ALREADY_WAITING), off the slot grid (SLOT_ALIGNMENT), no token', async () => {
  const { facilityId, day, interval } = await fullRoom({ closures: [] });
  const waiter = await resident();
  const free = await graph.request(JOIN, {
    token: waiter,
    variables: { input: { facilityId, startsAt: at(day, '12:00'), endsAt: at(day, '13:00') } },
  });
  expect(free.body.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', rule: 'NOT_FULL', field: 'input.startsAt' });
  expect((await graph.request(JOIN, { token: waiter, variables: { input: { facilityId, ...interval } } })).body.errors).toBeUndefined();
  const again = await graph.request(JOIN, { token: waiter, variables: { input: { facilityId, ...interval } } });
  expect(again.body.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', rule: 'ALREADY_WAITING' });
  const anonymous = await graph.request(JOIN, { variables: { input: { facilityId, ...interval } } });
  expect(codeOf(anonymous.body)).toBe('UNAUTHENTICATED');
  const misaligned = await graph.request(JOIN, {
    token: waiter,
    variables: { input: { facilityId, startsAt: at(day, '10:30'), endsAt: at(day, '11:00') } },
  });
  expect(misaligned.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'SLOT_ALIGNMENT' });
  expect((await entriesOf(waiter)).totalCount).toBe(1);
});

test('the per-slot and per-booker maxima refuse with WAITLIST_FULL and WAITLIST_LIMIT', async () => {
  const small = await startTestGraph({ config: { FACILITIES_WAITLIST_PER_SLOT: '2', FACILITIES_WAITLIST_PER_BOOKER: '1' } });
  try {
    const unit = await newUnit();
    const facilityId = await listedFacility(small, unit);
    const day = nextWeekday(3);
    const slot = (hour: number) => ({ startsAt: at(day, `${hour}:00`), endsAt: at(day, `${hour + 1}:00`) });
    for (const hour of [10, 11]) {
      expect(
        (await small.request(BOOK, { token: await resident(), variables: { input: { facilityId, ...slot(hour) } } })).body.errors,
      ).toBeUndefined();
    }
    const busy = await resident();
    expect((await small.request(JOIN, { token: busy, variables: { input: { facilityId, ...slot(10) } } })).body.errors).toBeUndefined();
    const limit = await small.request(JOIN, { token: busy, variables: { input: { facilityId, ...slot(11) } } });
    expect(limit.body.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', rule: 'WAITLIST_LIMIT' });
    expect(
      (await small.request(JOIN, { token: await resident(), variables: { input: { facilityId, ...slot(10) } } })).body.errors,
    ).toBeUndefined();
    const full = await small.request(JOIN, { token: await resident(), variables: { input: { facilityId, ...slot(10) } } });
    expect(full.body.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', rule: 'WAITLIST_FULL' });
  } finally {
    await small.stop();
  }
});

test('leaving is allowed while waiting, moves those behind up, and only once; others cannot leave for you', async () => {
  const { facilityId, interval } = await fullRoom();
  const [a, b] = [await resident(), await resident()];
  const entryA = (await graph.request(JOIN, { token: a, variables: { input: { facilityId, ...interval } } })).body.data!.joinWaitlist.entry;
  await graph.request(JOIN, { token: b, variables: { input: { facilityId, ...interval } } });
  const stranger = await graph.request(LEAVE, { token: b, variables: { input: { id: entryA.id } } });
  expect(codeOf(stranger.body)).toBe('NOT_FOUND');
  const stale = await graph.request(LEAVE, { token: a, variables: { input: { id: entryA.id, expectedVersion: 7 } } });
  expect(stale.body.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.expectedVersion' });
  const left = await graph.request(LEAVE, { token: a, variables: { input: { id: entryA.id, reason: '另有安排', expectedVersion: 1 } } });
  expect(left.body.data!.leaveWaitlist.entry).toMatchObject({ status: 'LEFT', position: null, statusReason: '另有安排', version: 2 });
  expect((await entriesOf(b)).edges[0]!.node.position).toBe(1);
  const twice = await graph.request(LEAVE, { token: a, variables: { input: { id: entryA.id } } });
  expect(codeOf(twice.body)).toBe('INVALID_TRANSITION');
});

test('a decline and a capacity raise promote; a waiter over the weekly quota is passed over and keeps their place', async () => {
  const unit = await newUnit();
  const facilityId = await listedFacility(graph, unit, {
    capacity: 1,
    kind: 'PARKING',
    policy: { approvalRequired: true, weeklyQuota: 1 },
  });
  const day = nextWeekday(3);
  const interval = { startsAt: at(day, '10:00'), endsAt: at(day, '11:00') };
  const holder = await resident();
  const held = (await graph.request(BOOK, { token: holder, variables: { input: { facilityId, ...interval } } })).body.data!.bookFacility
    .booking;
  // The first in line books elsewhere that week after joining: they now hold their one booking of the week.
  const greedy = await resident();
  const patient = await resident();
  const third = await resident();
  for (const waiter of [greedy, patient, third]) {
    expect((await graph.request(JOIN, { token: waiter, variables: { input: { facilityId, ...interval } } })).body.errors).toBeUndefined();
  }
  const elsewhere = { facilityId, startsAt: at(day, '14:00'), endsAt: at(day, '15:00') };
  expect((await graph.request(BOOK, { token: greedy, variables: { input: elsewhere } })).body.errors).toBeUndefined();
  // Joining is refused while the quota is held: such a waiter could not be promoted.
  const refused = await graph.request(JOIN, {
    token: greedy,
    variables: { input: { facilityId, startsAt: at(day, '14:00'), endsAt: at(day, '15:00') } },
  });
  expect(refused.body.errors![0]!.extensions).toMatchObject({ rule: 'WEEKLY_QUOTA' });
  const decline = await graph.request(
    `mutation ($id: ID!) { decideBooking(input: { id: $id, approve: false, reason: "场地维护" }) { booking { status } } }`,
    { token: unit.admin, variables: { id: held.id } },
  );
  expect(decline.body.data!.decideBooking.booking.status).toBe('DECLINED');
  // Approval is required here: the promoted booking awaits the unit like any other.
  expect((await entriesOf(patient)).edges[0]!.node).toMatchObject({ status: 'PROMOTED', booking: { status: 'PENDING' } });
  expect((await entriesOf(greedy)).edges[0]!.node).toMatchObject({ status: 'WAITING', position: 1 });
  expect((await entriesOf(third)).edges[0]!.node).toMatchObject({ status: 'WAITING', position: 2 });

  const raised = await graph.request(
    `mutation ($input: UpdateFacilityInput!) { updateFacility(input: $input) { facility { capacity } } }`,
    { token: unit.admin, variables: { input: { id: facilityId, expectedVersion: await facilityVersion(graph, facilityId), capacity: 2 } } },
  );
  expect(raised.body.errors).toBeUndefined();
  expect((await entriesOf(third)).edges[0]!.node).toMatchObject({ status: 'PROMOTED', booking: { status: 'PENDING' } });
  expect((await entriesOf(greedy)).edges[0]!.node).toMatchObject({ status: 'WAITING', position: 1 });
});

test("a closure on the interval's day expires its waiting list with the closure's reason", async () => {
  const { unit, facilityId, day, interval } = await fullRoom();
  const waiter = await resident();
  await graph.request(JOIN, { token: waiter, variables: { input: { facilityId, ...interval } } });
  const closed = await graph.request(
    `mutation ($input: AddFacilityClosureInput!) { addFacilityClosure(input: $input) { cancelledBookings } }`,
    { token: unit.admin, variables: { input: { facilityId, closure: { startsOn: day, endsOn: day, reason: '消防检查' } } } },
  );
  expect(closed.body.data!.addFacilityClosure.cancelledBookings).toBe(1);
  expect((await entriesOf(waiter)).edges[0]!.node).toMatchObject({
    status: 'EXPIRED',
    position: null,
    statusReason: '闭馆 Closed: 消防检查',
  });
});

test('an organisation waits through its own admin only', async () => {
  const { facilityId, interval } = await fullRoom();
  const org = '00000000-0000-4000-8000-0000000000aa';
  const admin = await token(['ORG_ADMIN'], JIFU, { org, sub: 'org-admin-waiter' });
  const other = await graph.request(JOIN, {
    token: admin,
    variables: { input: { facilityId, ...interval, organizationId: '00000000-0000-4000-8000-0000000000bb' } },
  });
  expect(codeOf(other.body)).toBe('FORBIDDEN');
  const own = await graph.request(
    `mutation ($input: JoinWaitlistInput!) { joinWaitlist(input: $input) { entry { status bookerOrganization { id } } } }`,
    { token: admin, variables: { input: { facilityId, ...interval, organizationId: org } } },
  );
  expect(own.body.data!.joinWaitlist.entry).toEqual({ status: 'WAITING', bookerOrganization: { id: org } });
});
