import type { BookingCheck, FacilityModel, NewBooking } from '../src/models';
import { ACTOR, at, insertBooking, listedFacility, openStore, refusal, type StoreHarness } from './store-support';

/** store/bookings.ts and the slots of store/client.ts: what a booking request finds, at the edges of weeks, days and slots. */

let h: StoreHarness;
beforeAll(async () => {
  h = await openStore();
});
afterAll(async () => {
  await h?.close();
});

function request(facility: FacilityModel, startsAt: string, endsAt: string, booker = 'me'): NewBooking {
  return {
    facility,
    booker,
    bookerOrg: null,
    startsAt: new Date(startsAt),
    endsAt: new Date(endsAt),
    quantity: 1,
    purpose: null,
    slots: 1,
    price: null,
  };
}

const STOP = new Error('inspected');

/** What the database finds for a booking request, read by a rule that then refuses it. */
async function inspect(booking: NewBooking): Promise<BookingCheck> {
  let seen: BookingCheck | undefined;
  const refused = await refusal(
    h.store.bookings.book(
      booking,
      (check) => {
        seen = check;
        throw STOP;
      },
      ACTOR,
    ),
  );
  expect(refused).toBe(STOP);
  return seen!;
}

describe('the weekly quota', () => {
  test("counts the booker's active bookings at this facility in the local week, and nothing else", async () => {
    const facility = await listedFacility(h.store);
    const other = await listedFacility(h.store);
    const mine = { booker: 'me' };
    await insertBooking(h.database, facility.id, { ...mine, startsAt: at('2030-01-09', '10:00'), endsAt: at('2030-01-09', '11:00') });
    // Monday 07:00 in the city is still Sunday in UTC: the week is the city's.
    await insertBooking(h.database, facility.id, {
      ...mine,
      startsAt: at('2030-01-07', '07:00'),
      endsAt: at('2030-01-07', '08:00'),
      status: 'PENDING',
    });
    await insertBooking(h.database, facility.id, {
      ...mine,
      startsAt: at('2030-01-09', '12:00'),
      endsAt: at('2030-01-09', '13:00'),
      status: 'CANCELLED',
    });
    await insertBooking(h.database, facility.id, {
      ...mine,
      startsAt: at('2030-01-09', '13:00'),
      endsAt: at('2030-01-09', '14:00'),
      status: 'DECLINED',
    });
    await insertBooking(h.database, facility.id, {
      booker: 'someone-else',
      startsAt: at('2030-01-09', '14:00'),
      endsAt: at('2030-01-09', '15:00'),
    });
    await insertBooking(h.database, other.id, { ...mine, startsAt: at('2030-01-09', '14:00'), endsAt: at('2030-01-09', '15:00') });
    await insertBooking(h.database, facility.id, { ...mine, startsAt: at('2030-01-06', '23:00'), endsAt: at('2030-01-07', '00:00') });
    await insertBooking(h.database, facility.id, { ...mine, startsAt: at('2030-01-14', '00:00'), endsAt: at('2030-01-14', '01:00') });
    expect((await inspect(request(facility, at('2030-01-10', '10:00'), at('2030-01-10', '11:00')))).weekBookings).toBe(2);
  });

  test('a week is the ISO week: across 31 December it goes on, and the same week number a year later is another week', async () => {
    const facility = await listedFacility(h.store);
    await insertBooking(h.database, facility.id, { booker: 'me', startsAt: at('2026-12-31', '10:00'), endsAt: at('2026-12-31', '11:00') });
    await insertBooking(h.database, facility.id, { booker: 'me', startsAt: at('2028-01-05', '10:00'), endsAt: at('2028-01-05', '11:00') });
    expect((await inspect(request(facility, at('2027-01-01', '10:00'), at('2027-01-01', '11:00')))).weekBookings).toBe(1);
    expect((await inspect(request(facility, at('2027-01-06', '10:00'), at('2027-01-06', '11:00')))).weekBookings).toBe(0);
  });
});

describe('the capacity held in the slots of a request', () => {
  test('is the peak over its slots of the active bookings overlapping each, longer ones started before included, neighbours and cancellations not', async () => {
    const facility = await listedFacility(h.store, { capacity: 10 });
    const day = '2030-02-06';
    await insertBooking(h.database, facility.id, { startsAt: at(day, '09:00'), endsAt: at(day, '12:00'), quantity: 2 });
    await insertBooking(h.database, facility.id, {
      startsAt: at(day, '11:00'),
      endsAt: at(day, '12:00'),
      quantity: 1,
      status: 'CHECKED_IN',
    });
    await insertBooking(h.database, facility.id, { startsAt: at(day, '09:00'), endsAt: at(day, '10:00'), quantity: 3 });
    await insertBooking(h.database, facility.id, { startsAt: at(day, '12:00'), endsAt: at(day, '13:00'), quantity: 3 });
    await insertBooking(h.database, facility.id, {
      startsAt: at(day, '10:00'),
      endsAt: at(day, '11:00'),
      quantity: 4,
      status: 'CANCELLED',
    });
    const check = await inspect(request(facility, at(day, '10:00'), at(day, '12:00')));
    expect(check).toMatchObject({ openSlots: 2, peakUsed: 3, closedReason: null });
  });
});

describe('closures and opening hours in a request', () => {
  test('a request reaching into a closure from the evening before is closed; the closure last day too, the day after it not', async () => {
    const facility = await listedFacility(h.store, {
      closures: [{ startsOn: '2030-03-06', endsOn: '2030-03-07', reason: '检修 Repairs' }],
    });
    expect(await inspect(request(facility, at('2030-03-05', '23:00'), at('2030-03-06', '01:00')))).toMatchObject({
      openSlots: 2,
      closedReason: '检修 Repairs',
    });
    expect((await inspect(request(facility, at('2030-03-07', '10:00'), at('2030-03-07', '11:00')))).closedReason).toBe('检修 Repairs');
    expect((await inspect(request(facility, at('2030-03-08', '10:00'), at('2030-03-08', '11:00')))).closedReason).toBeNull();
  });

  test('the last slot of the day ends at closing time, and none begins after it', async () => {
    const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startMinute: 9 * 60, endMinute: 12 * 60 }));
    const facility = await listedFacility(h.store, { openingHours: hours });
    expect((await inspect(request(facility, at('2030-03-13', '11:00'), at('2030-03-13', '12:00')))).openSlots).toBe(1);
    expect((await inspect(request(facility, at('2030-03-13', '09:00'), at('2030-03-13', '12:00')))).openSlots).toBe(3);
    expect((await inspect(request(facility, at('2030-03-13', '12:00'), at('2030-03-13', '13:00')))).openSlots).toBe(0);
  });
});

describe('booking', () => {
  test('refused when the capacity changed since the facility was read, even raised', async () => {
    const facility = await listedFacility(h.store, { capacity: 1 });
    await h.database.query('UPDATE facilities.facility SET capacity = 3 WHERE id = $1::uuid', [facility.id]);
    const refused = await refusal(
      h.store.bookings.book(request(facility, at('2030-04-03', '10:00'), at('2030-04-03', '11:00')), () => undefined, ACTOR),
    );
    expect(refused.extensions).toMatchObject({ code: 'CONFLICT', rule: 'CAPACITY' });
  });

  test('pending when the facility wants approval, confirmed otherwise, and written to the audit trail', async () => {
    const approved = await listedFacility(h.store, { approvalRequired: true });
    const open = await listedFacility(h.store);
    const pending = await h.store.bookings.book(
      request(approved, at('2030-04-03', '10:00'), at('2030-04-03', '11:00')),
      () => undefined,
      ACTOR,
    );
    const confirmed = await h.store.bookings.book(
      request(open, at('2030-04-03', '10:00'), at('2030-04-03', '11:00')),
      () => undefined,
      ACTOR,
    );
    expect([pending.status, confirmed.status]).toEqual(['PENDING', 'CONFIRMED']);
    const events = await h.database.query<{ action: string; to_status: string }>(
      "SELECT action, to_status FROM facilities.facility_event WHERE entity_type = 'Booking' AND entity_id = $1::uuid",
      [pending.id],
    );
    expect(events).toEqual([{ action: 'BOOK', to_status: 'PENDING' }]);
  });
});

describe('a change of a booking', () => {
  test('refused on a stale version, older or newer; applied on the current one, version and audit trail moved', async () => {
    const facility = await listedFacility(h.store);
    const booking = await h.store.bookings.book(
      request(facility, at('2030-05-08', '10:00'), at('2030-05-08', '11:00')),
      () => undefined,
      ACTOR,
    );
    const cancel = () => ({ status: 'CANCELLED' as const, reason: 'plans changed', action: 'CANCEL' });
    await h.database.query('UPDATE facilities.booking SET version = 3 WHERE id = $1::uuid', [booking.id]);
    for (const stale of [2, 4]) {
      expect((await refusal(h.store.bookings.change(booking.id, stale, cancel, ACTOR))).extensions).toMatchObject({
        code: 'CONFLICT',
        currentVersion: 3,
      });
    }
    const changed = await h.store.bookings.change(booking.id, 3, cancel, ACTOR);
    expect(changed).toMatchObject({ status: 'CANCELLED', statusReason: 'plans changed', version: 4 });
  });
});

describe('a page of bookings', () => {
  test('overlapping [from, to): one begun before `from` is in, one beginning at `to` is out; newest first, the cursor going on after ties', async () => {
    const facility = await listedFacility(h.store);
    const day = '2030-06-05';
    const before = await insertBooking(h.database, facility.id, { startsAt: at(day, '08:00'), endsAt: at(day, '11:00') });
    const tieA = await insertBooking(h.database, facility.id, { startsAt: at(day, '12:00'), endsAt: at(day, '13:00') });
    const tieB = await insertBooking(h.database, facility.id, { startsAt: at(day, '12:00'), endsAt: at(day, '13:00') });
    await insertBooking(h.database, facility.id, { startsAt: at(day, '14:00'), endsAt: at(day, '15:00') });
    await insertBooking(h.database, facility.id, { startsAt: at(day, '07:00'), endsAt: at(day, '10:00') });
    const filter = { facilityId: facility.id, from: new Date(at(day, '10:00')), to: new Date(at(day, '14:00')) };
    const all = await h.store.bookings.page(filter, { first: 10, after: undefined });
    const ties = [tieA, tieB].sort().reverse();
    expect(all.rows.map((b) => b.id)).toEqual([...ties, before]);
    expect(await all.count()).toBe(3);
    const first = await h.store.bookings.page(filter, { first: 1, after: undefined });
    expect(first.rows.map((b) => b.id)).toEqual(ties);
    const next = await h.store.bookings.page(filter, { first: 1, after: [at(day, '12:00'), ties[0]!] });
    expect(next.rows.map((b) => b.id)).toEqual([ties[1], before]);
  });
});
