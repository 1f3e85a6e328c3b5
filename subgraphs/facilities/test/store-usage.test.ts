import { randomUUID } from 'node:crypto';
import { ACTOR, at, insertBooking, listedFacility, openStore, type StoreHarness } from './store-support';

/** store/usage.ts: usage over local dates, at the edges of the period (here 1 January), of statuses and of closures. */

let h: StoreHarness;
beforeAll(async () => {
  h = await openStore();
});
afterAll(async () => {
  await h?.close();
});

describe('usage of one day', () => {
  test("bookings starting in the city's day count, hours booked clipped at its end; cancelled and declined ones not, pending ones only as bookings", async () => {
    const facility = await listedFacility(h.store);
    const day = '2031-01-01';
    const add = (startsAt: string, endsAt: string, status = 'CONFIRMED', booker = 'x') =>
      insertBooking(h.database, facility.id, { startsAt, endsAt, status, booker });
    await add(at(day, '00:00'), at(day, '01:00'));
    await add(at(day, '23:00'), at('2031-01-02', '01:00'), 'CONFIRMED', 'y');
    await add(at('2030-12-31', '23:00'), at(day, '00:00'));
    await add(at('2031-01-02', '00:00'), at('2031-01-02', '01:00'));
    await add(at(day, '10:00'), at(day, '11:00'), 'CANCELLED', 'z');
    await add(at(day, '11:00'), at(day, '12:00'), 'DECLINED', 'z');
    await add(at(day, '12:00'), at(day, '13:00'), 'NO_SHOW');
    await add(at(day, '13:00'), at(day, '14:00'), 'CHECKED_IN');
    await add(at(day, '14:00'), at(day, '15:00'), 'PENDING', 'w');
    expect(await h.store.usage.between({ facilityId: facility.id }, day, day)).toEqual({
      facilities: 1,
      hoursOpen: 24,
      hoursBooked: 4,
      bookings: 5,
      peopleServed: 2,
      noShowRate: 0.5,
    });
  });
});

describe('hours open', () => {
  test("a closure's day is not open, whether it is the first or the last of the closure", async () => {
    const facility = await listedFacility(h.store, {
      closures: [
        { startsOn: '2031-02-03', endsOn: '2031-02-03', reason: 'one day' },
        { startsOn: '2031-02-01', endsOn: '2031-02-05', reason: 'long' },
      ],
    });
    expect((await h.store.usage.between({ facilityId: facility.id }, '2031-02-05', '2031-02-06')).hoursOpen).toBe(24);
    expect((await h.store.usage.between({ facilityId: facility.id }, '2031-01-31', '2031-01-31')).hoursOpen).toBe(24);
    const single = await listedFacility(h.store, { closures: [{ startsOn: '2031-02-03', endsOn: '2031-02-03', reason: 'one day' }] });
    expect((await h.store.usage.between({ facilityId: single.id }, '2031-02-03', '2031-02-04')).hoursOpen).toBe(24);
  });

  test('a suspended facility is not open from its suspension on; a unit counts only its own facilities', async () => {
    const unitId = randomUUID();
    const facility = await listedFacility(h.store, { unitId });
    await listedFacility(h.store, { unitId });
    await listedFacility(h.store);
    await h.store.facilities.changeStatus(facility.id, 'SUSPENDED', 'r', facility.version, () => undefined, ACTOR);
    expect(await h.store.usage.between({ unitId }, '2031-03-03', '2031-03-03')).toMatchObject({ facilities: 1, hoursOpen: 24 });
  });
});
