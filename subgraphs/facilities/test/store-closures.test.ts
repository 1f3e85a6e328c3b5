import { ACTOR, at, bookingRow, insertBooking, listedFacility, openStore, refusal, type StoreHarness } from './store-support';

/** store/closures.ts: the bookings a closure or a withdrawal cancels, at the edges of its days and of now. */

let h: StoreHarness;
beforeAll(async () => {
  h = await openStore();
});
afterAll(async () => {
  await h?.close();
});

const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

describe('a withdrawal', () => {
  test('cancels the pending and confirmed bookings not yet ended, the one under way included; past, cancelled and attended ones stay', async () => {
    const facility = await listedFacility(h.store);
    const confirmed = await insertBooking(h.database, facility.id, {
      startsAt: at('2030-08-06', '10:00'),
      endsAt: at('2030-08-06', '11:00'),
    });
    const pending = await insertBooking(h.database, facility.id, {
      startsAt: at('2030-08-07', '10:00'),
      endsAt: at('2030-08-07', '11:00'),
      status: 'PENDING',
    });
    const underWay = await insertBooking(h.database, facility.id, { startsAt: hoursFromNow(-1), endsAt: hoursFromNow(1) });
    const past = await insertBooking(h.database, facility.id, { startsAt: at('2020-08-06', '10:00'), endsAt: at('2020-08-06', '11:00') });
    const cancelled = await insertBooking(h.database, facility.id, {
      startsAt: at('2030-08-08', '10:00'),
      endsAt: at('2030-08-08', '11:00'),
      status: 'CANCELLED',
    });
    const checkedIn = await insertBooking(h.database, facility.id, {
      startsAt: hoursFromNow(-0.5),
      endsAt: hoursFromNow(0.5),
      status: 'CHECKED_IN',
    });

    const result = await h.store.facilities.changeStatus(facility.id, 'WITHDRAWN', 'sold', facility.version, () => undefined, ACTOR);
    expect(result.cancelledBookings).toBe(3);
    for (const id of [confirmed, pending, underWay]) {
      expect(await bookingRow(h.database, id)).toEqual({
        status: 'CANCELLED',
        version: 2,
        statusReason: '设施已撤回 The facility was withdrawn: sold',
      });
    }
    expect(await bookingRow(h.database, past)).toEqual({ status: 'CONFIRMED', version: 1, statusReason: null });
    expect(await bookingRow(h.database, cancelled)).toEqual({ status: 'CANCELLED', version: 1, statusReason: null });
    expect((await bookingRow(h.database, checkedIn)).status).toBe('CHECKED_IN');
    const events = await h.database.query<{ entity_id: string; from_status: string }>(
      "SELECT entity_id::text, from_status FROM facilities.facility_event WHERE entity_type = 'Booking' AND action = 'CANCEL' AND entity_id = ANY($1::uuid[])",
      [[confirmed, pending]],
    );
    expect(Object.fromEntries(events.map((e) => [e.entity_id, e.from_status]))).toEqual({ [confirmed]: 'CONFIRMED', [pending]: 'PENDING' });
  });
});

describe('a closure', () => {
  test('cancels the bookings touching its local days, first and last, and none of the evening before or the morning after', async () => {
    const facility = await listedFacility(h.store);
    const [first, last] = ['2030-09-10', '2030-09-11'];
    const onFirst = await insertBooking(h.database, facility.id, { startsAt: at(first, '10:00'), endsAt: at(first, '11:00') });
    const onLastEvening = await insertBooking(h.database, facility.id, { startsAt: at(last, '22:00'), endsAt: at(last, '23:00') });
    const intoFirst = await insertBooking(h.database, facility.id, { startsAt: at('2030-09-09', '23:00'), endsAt: at(first, '01:00') });
    const eveningBefore = await insertBooking(h.database, facility.id, { startsAt: at('2030-09-09', '23:00'), endsAt: at(first, '00:00') });
    // 07:00 in the city on the day after is still the last day in UTC.
    const morningAfter = await insertBooking(h.database, facility.id, {
      startsAt: at('2030-09-12', '07:00'),
      endsAt: at('2030-09-12', '08:00'),
    });

    const result = await h.store.closures.add(facility, { startsOn: first, endsOn: last, reason: '检修 Repairs' }, ACTOR);
    expect(result.cancelledBookings).toBe(3);
    for (const id of [onFirst, onLastEvening, intoFirst])
      expect((await bookingRow(h.database, id)).statusReason).toBe('闭馆 Closed: 检修 Repairs');
    for (const id of [eveningBefore, morningAfter]) expect((await bookingRow(h.database, id)).status).toBe('CONFIRMED');
    expect(result.facility.version).toBe(facility.version + 1);
  });

  test('refused when the facility changed since it was read', async () => {
    const facility = await listedFacility(h.store);
    await h.store.facilities.update(facility.id, facility.version, { name: 'renamed' }, ACTOR);
    const refused = await refusal(h.store.closures.add(facility, { startsOn: '2030-09-10', endsOn: '2030-09-10', reason: 'r' }, ACTOR));
    expect(refused.extensions).toMatchObject({ code: 'CONFLICT' });
    expect(await h.store.closures.current([facility.id], '2030-01-01')).toEqual([]);
  });

  test('listed while it lasts: one ending today still shows, one that ended yesterday not; soonest first', async () => {
    const facility = await listedFacility(h.store, {
      closures: [
        { startsOn: '2030-10-05', endsOn: '2030-10-06', reason: 'later' },
        { startsOn: '2030-09-01', endsOn: '2030-10-01', reason: 'ends today' },
        { startsOn: '2030-09-20', endsOn: '2030-09-30', reason: 'ended yesterday' },
      ],
    });
    expect((await h.store.closures.current([facility.id], '2030-10-01')).map((c) => c.reason)).toEqual(['ends today', 'later']);
  });
});
