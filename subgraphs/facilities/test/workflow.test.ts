import { startTestGraph, type TestGraph } from '../../../test/support/graph';
import {
  ALL_DAY,
  at,
  BOOK,
  CHANGE,
  codeOf,
  facilityVersion,
  JIFU,
  JINYANG_STREET,
  listedFacility,
  localToday,
  addDays,
  newUnit,
  nextWeekday,
  QINGBO,
  REGISTER,
  registerInput,
  resident,
  token,
  WUHOU,
} from './support';

/** The registration workflow and every booking rule, allowed and refused, through the gateway. */

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph();
});
afterAll(async () => {
  await graph?.stop();
});

const FACILITY = `query ($id: ID!) { facility(id: $id) { id status statusReason version history { action from to actorRoles actorOrganization actor reason } } }`;
const BOOKING = `query ($id: ID!) { booking(id: $id) { id status statusReason notice booker cancellableUntil facility { status } } }`;

function rule(body: { errors?: { extensions?: Record<string, unknown> }[] }): unknown {
  return body.errors?.[0]?.extensions?.rule;
}

describe('registration workflow', () => {
  test('submit, return with reasons, resubmit, list, suspend, resume, withdraw: each by its roles within jurisdiction', async () => {
    const unit = await newUnit();
    const other = await newUnit();
    const worker = await token(['COMMUNITY_WORKER'], JIFU);
    const streetOfficer = await token(['STREET_OFFICER'], JINYANG_STREET);
    const foreignOfficer = await token(['STREET_OFFICER'], '510105001000');
    const district = await token(['DISTRICT_CIVIL_AFFAIRS'], WUHOU);

    // Registering is the unit's own: not another unit's admin, not a resident.
    expect(codeOf((await graph.request(REGISTER, { token: other.admin, variables: { input: registerInput(unit) } })).body)).toBe(
      'FORBIDDEN',
    );
    expect(codeOf((await graph.request(REGISTER, { token: await resident(), variables: { input: registerInput(unit) } })).body)).toBe(
      'FORBIDDEN',
    );
    expect(codeOf((await graph.request(REGISTER, { variables: { input: registerInput(unit) } })).body)).toBe('UNAUTHENTICATED');
    const registered = await graph.request(REGISTER, { token: unit.admin, variables: { input: registerInput(unit) } });
    expect(registered.body.data?.registerFacility.facility).toMatchObject({ status: 'SUBMITTED', version: 1 });
    const id = registered.body.data!.registerFacility.facility.id;

    // Not public yet: anonymous and residents do not see it; the unit and covering officers do.
    expect((await graph.request(FACILITY, { variables: { id } })).body.data?.facility).toBeNull();
    expect((await graph.request(FACILITY, { token: foreignOfficer, variables: { id } })).body.data?.facility).toBeNull();
    expect((await graph.request(FACILITY, { token: district, variables: { id } })).body.data?.facility.status).toBe('SUBMITTED');

    const change = async (tok: string | undefined, input: Record<string, unknown>) =>
      graph.request(CHANGE, { token: tok, variables: { input: { id, expectedVersion: await facilityVersion(graph, id), ...input } } });

    // Review: the district officer, the unit and an officer of another street may not.
    expect(codeOf((await change(district, { to: 'LISTED' })).body)).toBe('FORBIDDEN');
    expect(codeOf((await change(unit.admin, { to: 'LISTED' })).body)).toBe('FORBIDDEN');
    // A returned registration needs reasons.
    const noReason = await change(worker, { to: 'RETURNED' });
    expect(noReason.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reason' });
    expect((await change(worker, { to: 'RETURNED', reason: '缺少消防验收证明' })).body.data?.changeFacilityStatus.facility).toMatchObject({
      status: 'RETURNED',
      statusReason: '缺少消防验收证明',
    });
    // The unit resubmits; a stale version is a CONFLICT.
    expect(codeOf((await change(unit.admin, { to: 'SUBMITTED', expectedVersion: 1 })).body)).toBe('CONFLICT');
    expect((await change(unit.admin, { to: 'SUBMITTED', expectedVersion: 2 })).body.data?.changeFacilityStatus.facility.status).toBe(
      'SUBMITTED',
    );
    expect(codeOf((await change(worker, { to: 'SUSPENDED', reason: 'x' })).body)).toBe('INVALID_TRANSITION');
    expect((await change(streetOfficer, { to: 'LISTED' })).body.data?.changeFacilityStatus.facility.status).toBe('LISTED');
    expect((await graph.request(FACILITY, { variables: { id } })).body.data?.facility.status).toBe('LISTED');

    // Suspend and resume are the unit's; suspension needs a reason.
    expect(codeOf((await change(worker, { to: 'SUSPENDED', reason: '维修' })).body)).toBe('FORBIDDEN');
    expect(codeOf((await change(other.admin, { to: 'SUSPENDED', reason: '维修' })).body)).toBe('FORBIDDEN');
    expect((await change(unit.admin, { to: 'SUSPENDED' })).body.errors?.[0]?.extensions?.field).toBe('input.reason');
    expect((await change(unit.admin, { to: 'SUSPENDED', reason: '维修' })).body.data?.changeFacilityStatus.facility.status).toBe(
      'SUSPENDED',
    );
    expect(codeOf((await change(unit.admin, { to: 'RETURNED', reason: 'x' })).body)).toBe('INVALID_TRANSITION');
    expect((await change(unit.admin, { to: 'LISTED' })).body.data?.changeFacilityStatus.facility.status).toBe('LISTED');
    expect((await change(unit.admin, { to: 'WITHDRAWN', reason: '单位搬迁' })).body.data?.changeFacilityStatus.facility.status).toBe(
      'WITHDRAWN',
    );
    expect(codeOf((await change(unit.admin, { to: 'LISTED' })).body)).toBe('INVALID_TRANSITION');

    // The audit trail: roles and organisation for the unit; the subject for officers covering it.
    const asUnit = (await graph.request(FACILITY, { token: unit.admin, variables: { id } })).body.data?.facility;
    expect(asUnit.history.map((e: { to: string }) => e.to)).toEqual([
      'SUBMITTED',
      'RETURNED',
      'SUBMITTED',
      'LISTED',
      'SUSPENDED',
      'LISTED',
      'WITHDRAWN',
    ]);
    expect(asUnit.history[0]).toMatchObject({ actorRoles: ['UNIT_ADMIN'], actorOrganization: unit.id, actor: null });
    const asWorker = (await graph.request(FACILITY, { token: worker, variables: { id } })).body.data?.facility;
    expect(asWorker.history[1]).toMatchObject({
      actorRoles: ['COMMUNITY_WORKER'],
      actor: `community_worker-${JIFU}`,
      reason: '缺少消防验收证明',
    });
    // A refused request left nothing behind: exactly seven events.
    const events = await graph.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM facilities.facility_event WHERE entity_id = $1`,
      [id],
    );
    expect(events).toEqual([{ n: 7 }]);
  });

  test('suspension keeps bookings and tells their holders; withdrawal cancels future bookings and says why', async () => {
    const unit = await newUnit();
    const id = await listedFacility(graph, unit);
    const holder = await resident('holder-suspension');
    const day = nextWeekday(2);
    const booked = await graph.request(BOOK, {
      token: holder,
      variables: { input: { facilityId: id, startsAt: at(day, '10:00'), endsAt: at(day, '11:00') } },
    });
    const bookingId = booked.body.data!.bookFacility.booking.id;

    await graph.request(CHANGE, {
      token: unit.admin,
      variables: { input: { id, to: 'SUSPENDED', reason: '电路检修', expectedVersion: 2 } },
    });
    const kept = (await graph.request(BOOKING, { token: holder, variables: { id: bookingId } })).body.data?.booking;
    expect(kept).toMatchObject({ status: 'CONFIRMED', facility: { status: 'SUSPENDED' } });
    expect(kept.notice).toContain('电路检修');
    const refused = await graph.request(BOOK, {
      token: await resident(),
      variables: { input: { facilityId: id, startsAt: at(day, '12:00'), endsAt: at(day, '13:00') } },
    });
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', rule: 'FACILITY_LISTED' });

    const withdrawn = await graph.request(CHANGE, {
      token: unit.admin,
      variables: { input: { id, to: 'WITHDRAWN', reason: '场地收回', expectedVersion: 3 } },
    });
    expect(withdrawn.body.data?.changeFacilityStatus.cancelledBookings).toBe(1);
    const mine = await graph.request(`{ myBookings { totalCount edges { node { id status statusReason notice } } } }`, { token: holder });
    expect(mine.body.data?.myBookings.edges[0].node).toMatchObject({ id: bookingId, status: 'CANCELLED' });
    expect(mine.body.data?.myBookings.edges[0].node.statusReason).toContain('场地收回');
    expect(mine.body.data?.myBookings.edges[0].node.notice).toContain('场地收回');
  });
});

describe('booking rules', () => {
  let unit: Awaited<ReturnType<typeof newUnit>>;
  let room: string;
  const monday = nextWeekday(1, 3);
  const book = async (input: Record<string, unknown>, tok?: string) =>
    graph.request(BOOK, { token: tok ?? (await resident()), variables: { input: { facilityId: room, ...input } } });

  beforeAll(async () => {
    unit = await newUnit();
    room = await listedFacility(graph, unit, {
      openingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: '09:00', closes: '17:00' })),
      closures: [{ startsOn: addDays(monday, 1), endsOn: addDays(monday, 1), reason: '消毒闭馆' }],
      policy: { slotMinutes: 30, minSlots: 2, maxSlots: 6, advanceDays: 30, weeklyQuota: 2, cancellationDeadlineHours: 24 },
      pricePerSlot: '5.50',
    });
  });

  test('a booking inside the hours, aligned, within length: confirmed with its price', async () => {
    const ok = await book({ startsAt: at(monday, '09:00'), endsAt: at(monday, '10:00') });
    expect(ok.body.data?.bookFacility.booking).toMatchObject({ status: 'CONFIRMED', quantity: 1, price: { amount: '11.00' } });
  });

  test.each([
    ['SLOT_ALIGNMENT', { startsAt: '09:10', endsAt: '10:10' }, 'input.startsAt'],
    ['MIN_LENGTH', { startsAt: '11:00', endsAt: '11:30' }, 'input.endsAt'],
    ['MAX_LENGTH', { startsAt: '11:00', endsAt: '14:30' }, 'input.endsAt'],
    ['OPENING_HOURS', { startsAt: '16:00', endsAt: '17:30' }, 'input.startsAt'],
    ['TIMES', { startsAt: '12:00', endsAt: '11:00' }, 'input.endsAt'],
  ])('refused by %s', async (name, times, field) => {
    const refused = await book({ startsAt: at(monday, times.startsAt), endsAt: at(monday, times.endsAt) });
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: name, field });
  });

  test('refused on a closure day, in the past, beyond the advance window, and for more than the capacity', async () => {
    const closed = await book({ startsAt: at(addDays(monday, 1), '10:00'), endsAt: at(addDays(monday, 1), '11:00') });
    expect(closed.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'CLOSURE' });
    expect(closed.body.errors?.[0]?.message).toContain('消毒闭馆');
    const lastWeek = addDays(localToday(), -7);
    expect(rule((await book({ startsAt: at(lastWeek, '10:00'), endsAt: at(lastWeek, '11:00') })).body)).toBe('IN_PAST');
    const far = nextWeekday(2, 40);
    expect(rule((await book({ startsAt: at(far, '10:00'), endsAt: at(far, '11:00') })).body)).toBe('ADVANCE_WINDOW');
    expect(rule((await book({ startsAt: at(monday, '13:00'), endsAt: at(monday, '14:00'), quantity: 2 })).body)).toBe('QUANTITY');
    const taken = await book({ startsAt: at(monday, '09:30'), endsAt: at(monday, '10:30') });
    expect(taken.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', rule: 'CAPACITY' });
  });

  test("the weekly quota counts the booker's active bookings in the local week", async () => {
    const me = await resident('quota-holder');
    const wednesday = addDays(monday, 2);
    expect((await book({ startsAt: at(wednesday, '09:00'), endsAt: at(wednesday, '10:00') }, me)).body.errors).toBeUndefined();
    const second = await book({ startsAt: at(wednesday, '10:00'), endsAt: at(wednesday, '11:00') }, me);
    expect(second.body.errors).toBeUndefined();
    const third = await book({ startsAt: at(wednesday, '11:00'), endsAt: at(wednesday, '12:00') }, me);
    expect(third.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', rule: 'WEEKLY_QUOTA' });
    // Next week is another week; and a cancelled booking gives its place back.
    const nextWeek = addDays(wednesday, 7);
    expect((await book({ startsAt: at(nextWeek, '09:00'), endsAt: at(nextWeek, '10:00') }, me)).body.errors).toBeUndefined();
    const cancelled = await graph.request(
      `mutation ($id: ID!) { cancelBooking(input: { id: $id, reason: "有事" }) { booking { status } } }`,
      {
        token: me,
        variables: { id: second.body.data!.bookFacility.booking.id },
      },
    );
    expect(cancelled.body.data?.cancelBooking.booking.status).toBe('CANCELLED');
    expect((await book({ startsAt: at(wednesday, '11:00'), endsAt: at(wednesday, '12:00') }, me)).body.errors).toBeUndefined();
  });

  test('cancellation only by the booker and before the deadline', async () => {
    const me = await resident('canceller');
    const soon = addDays(localToday(), 1);
    const facility = await listedFacility(graph, unit, { policy: { cancellationDeadlineHours: 48 } });
    const booked = await graph.request(BOOK, {
      token: me,
      variables: { input: { facilityId: facility, startsAt: at(soon, '20:00'), endsAt: at(soon, '21:00') } },
    });
    const id = booked.body.data!.bookFacility.booking.id;
    const cancel = (tok: string) =>
      graph.request(`mutation ($id: ID!) { cancelBooking(input: { id: $id }) { booking { status } } }`, { token: tok, variables: { id } });
    expect(codeOf((await cancel(await resident())).body)).toBe('FORBIDDEN');
    expect(codeOf((await cancel(unit.admin)).body)).toBe('FORBIDDEN');
    expect((await cancel(me)).body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', rule: 'CANCELLATION_DEADLINE' });
  });

  test('approval: pending until the unit approves or declines (with a reason); attendance once started', async () => {
    const facility = await listedFacility(graph, unit, { policy: { approvalRequired: true } });
    const day = nextWeekday(4);
    const me = await resident('approval-seeker');
    const first = await graph.request(BOOK, {
      token: me,
      variables: { input: { facilityId: facility, startsAt: at(day, '09:00'), endsAt: at(day, '10:00') } },
    });
    expect(first.body.data?.bookFacility.booking.status).toBe('PENDING');
    const id = first.body.data!.bookFacility.booking.id;
    const decide = (tok: string, input: Record<string, unknown>) =>
      graph.request(`mutation ($input: DecideBookingInput!) { decideBooking(input: $input) { booking { status statusReason } } }`, {
        token: tok,
        variables: { input: { id, ...input } },
      });
    expect(codeOf((await decide(me, { approve: true })).body)).toBe('FORBIDDEN');
    expect(codeOf((await decide(await token(['COMMUNITY_WORKER'], JIFU), { approve: true })).body)).toBe('FORBIDDEN');
    expect((await decide(unit.admin, { approve: false })).body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.reason',
    });
    expect((await decide(unit.admin, { approve: true })).body.data?.decideBooking.booking.status).toBe('CONFIRMED');
    expect(codeOf((await decide(unit.admin, { approve: false, reason: 'x' })).body)).toBe('INVALID_TRANSITION');

    const attend = (attended: boolean) =>
      graph.request(`mutation ($id: ID!, $a: Boolean!) { recordAttendance(input: { id: $id, attended: $a }) { booking { status } } }`, {
        token: unit.admin,
        variables: { id, a: attended },
      });
    expect((await attend(true)).body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', rule: 'ATTENDANCE_TIME' });
    // Time passes: the booking started an hour ago.
    await graph.database.query(`UPDATE facilities.booking SET starts_at = now() - interval '1 hour', ends_at = now() WHERE id = $1`, [id]);
    expect((await attend(false)).body.data?.recordAttendance.booking.status).toBe('NO_SHOW');
    expect(codeOf((await attend(true)).body)).toBe('INVALID_TRANSITION');

    const second = await graph.request(BOOK, {
      token: me,
      variables: { input: { facilityId: facility, startsAt: at(day, '11:00'), endsAt: at(day, '12:00') } },
    });
    const declined = await graph.request(
      `mutation ($id: ID!) { decideBooking(input: { id: $id, approve: false, reason: "当天有活动" }) { booking { status statusReason } } }`,
      {
        token: unit.admin,
        variables: { id: second.body.data!.bookFacility.booking.id },
      },
    );
    expect(declined.body.data?.decideBooking.booking).toEqual({ status: 'DECLINED', statusReason: '当天有活动' });
  });

  test('a community organisation books for its activity; a resident cannot book for an organisation', async () => {
    const org = (await newUnit()).id;
    const orgAdmin = await token(['ORG_ADMIN'], JIFU, { org, sub: 'org-admin-1' });
    const day = nextWeekday(4);
    const input = { facilityId: room, startsAt: at(day, '14:00'), endsAt: at(day, '15:00'), purpose: '社区读书会' };
    expect(codeOf((await graph.request(BOOK, { token: orgAdmin, variables: { input } })).body)).toBe('FORBIDDEN');
    expect(
      codeOf((await graph.request(BOOK, { token: await resident(), variables: { input: { ...input, organizationId: org } } })).body),
    ).toBe('FORBIDDEN');
    const booked = await graph.request(
      `mutation ($input: BookFacilityInput!) { bookFacility(input: $input) { booking { status purpose bookerOrganization { id } } } }`,
      {
        token: orgAdmin,
        variables: { input: { ...input, organizationId: org } },
      },
    );
    expect(booked.body.data?.bookFacility.booking).toEqual({ status: 'CONFIRMED', purpose: '社区读书会', bookerOrganization: { id: org } });
  });
});

describe('time-zone edges: opening hours are local times in the city zone', () => {
  test('a booking across midnight joins the evening and the next morning', async () => {
    const unit = await newUnit();
    const id = await listedFacility(graph, unit, {
      kind: 'SPORTS_VENUE',
      openingHours: [
        { weekday: 5, opens: '18:00', closes: '24:00' },
        { weekday: 6, opens: '00:00', closes: '06:00' },
      ],
    });
    const friday = nextWeekday(5);
    const saturday = addDays(friday, 1);
    const across = await graph.request(BOOK, {
      token: await resident(),
      variables: { input: { facilityId: id, startsAt: at(friday, '23:00'), endsAt: at(saturday, '01:00') } },
    });
    expect(across.body.data?.bookFacility.booking).toMatchObject({
      status: 'CONFIRMED',
      startsAt: at(friday, '23:00'),
      endsAt: at(saturday, '01:00'),
    });
    const past = await graph.request(BOOK, {
      token: await resident(),
      variables: { input: { facilityId: id, startsAt: at(saturday, '05:00'), endsAt: at(saturday, '07:00') } },
    });
    expect(past.body.errors?.[0]?.extensions?.rule).toBe('OPENING_HOURS');
    const slots = await graph.request(
      `query ($id: ID!, $f: DateTime!, $t: DateTime!) { availability(facilityId: $id, from: $f, to: $t) { startsAt free } }`,
      {
        variables: { id, f: at(friday, '00:00'), t: at(addDays(saturday, 1), '00:00') },
      },
    );
    const starts = slots.body.data?.availability.map((s: { startsAt: string }) => s.startsAt);
    expect(starts).toHaveLength(12);
    expect(starts[0]).toBe(at(friday, '18:00'));
    expect(starts[11]).toBe(at(saturday, '05:00'));
    expect(
      slots.body.data?.availability.filter((s: { free: number }) => s.free === 0).map((s: { startsAt: string }) => s.startsAt),
    ).toEqual([at(friday, '23:00'), at(saturday, '00:00')]);
  });

  test("on Europe's clock-change day (2027-03-28) the city's day still has 24 hourly slots, 02:00 included", async () => {
    const unit = await newUnit();
    const id = await listedFacility(graph, unit, { openingHours: ALL_DAY, policy: { advanceDays: 366 } });
    const day = '2027-03-28';
    const slots = await graph.request(
      `query ($id: ID!, $f: DateTime!, $t: DateTime!) { availability(facilityId: $id, from: $f, to: $t) { startsAt endsAt } }`,
      {
        variables: { id, f: at(day, '00:00'), t: at(addDays(day, 1), '00:00') },
      },
    );
    const list = slots.body.data?.availability as { startsAt: string; endsAt: string }[];
    expect(list).toHaveLength(24);
    expect(list[0]!.startsAt).toBe('2027-03-27T16:00:00.000Z');
    list.forEach((slot, i) => expect(Date.parse(slot.startsAt)).toBe(Date.parse('2027-03-27T16:00:00Z') + i * 3_600_000));
    // 02:00 does not exist in Berlin that night; in Shanghai it does and can be booked.
    const booked = await graph.request(BOOK, {
      token: await resident(),
      variables: { input: { facilityId: id, startsAt: at(day, '02:00'), endsAt: at(day, '03:00') } },
    });
    expect(booked.body.data?.bookFacility.booking.startsAt).toBe('2027-03-27T18:00:00.000Z');
  });

  test('a closure day has no slots, and adding a closure cancels the bookings on it', async () => {
    const unit = await newUnit();
    const id = await listedFacility(graph, unit);
    const day = nextWeekday(2, 4);
    const holder = await resident('closure-holder');
    const booked = await graph.request(BOOK, {
      token: holder,
      variables: { input: { facilityId: id, startsAt: at(day, '10:00'), endsAt: at(day, '11:00') } },
    });
    const closure = await graph.request(
      `mutation ($input: AddFacilityClosureInput!) { addFacilityClosure(input: $input) { cancelledBookings facility { closures { startsOn endsOn reason } } } }`,
      { token: unit.admin, variables: { input: { facilityId: id, closure: { startsOn: day, endsOn: day, reason: '停电检修' } } } },
    );
    expect(closure.body.data?.addFacilityClosure).toEqual({
      cancelledBookings: 1,
      facility: { closures: [{ startsOn: day, endsOn: day, reason: '停电检修' }] },
    });
    const slots = await graph.request(
      `query ($id: ID!, $f: DateTime!, $t: DateTime!) { availability(facilityId: $id, from: $f, to: $t) { startsAt } }`,
      {
        variables: { id, f: at(addDays(day, -1), '00:00'), t: at(addDays(day, 2), '00:00') },
      },
    );
    expect(slots.body.data?.availability).toHaveLength(48);
    expect(slots.body.data?.availability.some((s: { startsAt: string }) => s.startsAt === at(day, '10:00'))).toBe(false);
    const after = await graph.request(BOOKING, { token: holder, variables: { id: booked.body.data!.bookFacility.booking.id } });
    expect(after.body.data?.booking).toMatchObject({ status: 'CANCELLED' });
    expect(after.body.data?.booking.statusReason).toContain('停电检修');
    expect(
      codeOf(
        (
          await graph.request(`mutation ($input: AddFacilityClosureInput!) { addFacilityClosure(input: $input) { cancelledBookings } }`, {
            token: await token(['COMMUNITY_WORKER'], JIFU),
            variables: { input: { facilityId: id, closure: { startsOn: day, endsOn: day, reason: 'x' } } },
          })
        ).body,
      ),
    ).toBe('FORBIDDEN');
  });

  test('registration refuses hours off the slot grid and overlapping intervals, naming the field', async () => {
    const unit = await newUnit();
    const bad = async (spec: Parameters<typeof registerInput>[1]) =>
      (await graph.request(REGISTER, { token: unit.admin, variables: { input: registerInput(unit, spec) } })).body.errors?.[0]?.extensions;
    expect(await bad({ openingHours: [{ weekday: 1, opens: '09:30', closes: '12:00' }] })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.openingHours.0.opens',
    });
    expect(
      await bad({
        openingHours: [
          { weekday: 1, opens: '09:00', closes: '12:00' },
          { weekday: 1, opens: '11:00', closes: '13:00' },
        ],
      }),
    ).toMatchObject({ field: 'input.openingHours' });
    expect(await bad({ openingHours: [{ weekday: 8, opens: '09:00', closes: '12:00' }] })).toMatchObject({
      field: 'input.openingHours.0.weekday',
    });
    expect(await bad({ policy: { slotMinutes: 7 } })).toMatchObject({ field: 'input.policy.slotMinutes' });
    expect(await bad({ communityCode: JINYANG_STREET })).toMatchObject({ field: 'input.communityCode' });
    expect(await bad({ communityCode: QINGBO, capacity: 0 })).toMatchObject({ field: 'input.capacity' });
    expect(await bad({ pricePerSlot: '-1' })).toMatchObject({ field: 'input.pricePerSlot' });
  });
});
