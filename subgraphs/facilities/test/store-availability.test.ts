import { ACTOR, at, insertBooking, JIFU, listedFacility, openStore, type StoreHarness } from './store-support';

/** store/availability.ts and the slots of store/client.ts: free capacity at the edges of windows, days, closures and capacity. */

let h: StoreHarness;
beforeAll(async () => {
  h = await openStore();
});
afterAll(async () => {
  await h?.close();
});

const MORNINGS = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startMinute: 9 * 60, endMinute: 12 * 60 }));
const window = (day: string, from: string, toDay: string, to: string) => ({ from: new Date(at(day, from)), to: new Date(at(toDay, to)) });

describe('free capacity per slot', () => {
  test("every slot of the window up to its end, soonest first, what active bookings hold taken off; a closed day's slots left out", async () => {
    const facility = await listedFacility(h.store, {
      capacity: 3,
      openingHours: MORNINGS,
      closures: [{ startsOn: '2030-11-07', endsOn: '2030-11-07', reason: 'r' }],
    });
    await insertBooking(h.database, facility.id, { startsAt: at('2030-11-06', '10:00'), endsAt: at('2030-11-06', '11:00') });
    await insertBooking(h.database, facility.id, {
      startsAt: at('2030-11-06', '11:00'),
      endsAt: at('2030-11-06', '12:00'),
      quantity: 2,
      status: 'CANCELLED',
    });
    const { from, to } = window('2030-11-06', '09:00', '2030-11-07', '12:00');
    const slots = await h.store.availability.slots(facility.id, from, to);
    expect(slots).toEqual([
      { startsAt: new Date(at('2030-11-06', '09:00')), endsAt: new Date(at('2030-11-06', '10:00')), free: 3 },
      { startsAt: new Date(at('2030-11-06', '10:00')), endsAt: new Date(at('2030-11-06', '11:00')), free: 2 },
      { startsAt: new Date(at('2030-11-06', '11:00')), endsAt: new Date(at('2030-11-06', '12:00')), free: 3 },
    ]);
  });

  test("a window across the city's midnight has the slots of both days", async () => {
    const facility = await listedFacility(h.store);
    const { from, to } = window('2030-11-13', '22:00', '2030-11-14', '02:00');
    expect((await h.store.availability.slots(facility.id, from, to)).map((s) => s.startsAt.toISOString())).toEqual([
      at('2030-11-13', '22:00'),
      at('2030-11-13', '23:00'),
      at('2030-11-14', '00:00'),
      at('2030-11-14', '01:00'),
    ]);
  });

  test('none for a facility not listed', async () => {
    const facility = await listedFacility(h.store);
    await h.store.facilities.changeStatus(facility.id, 'SUSPENDED', 'r', facility.version, () => undefined, ACTOR);
    const { from, to } = window('2030-11-13', '10:00', '2030-11-13', '12:00');
    expect(await h.store.availability.slots(facility.id, from, to)).toEqual([]);
  });
});

describe('the search', () => {
  test('nearest first: same community, street, district, then the city; nothing beyond the city', async () => {
    const kind = 'LIBRARY';
    for (const [communityCode, name] of [
      ['510105001001', 'A city'],
      ['510107002001', 'B district'],
      ['510107001002', 'C street'],
      [JIFU, 'D community'],
      ['510300001001', 'E elsewhere'],
    ] as const) {
      await listedFacility(h.store, { kind, communityCode, name });
    }
    const search = { kind, near: JIFU, ...window('2030-12-04', '10:00', '2030-12-04', '11:00'), minCapacity: 1 } as const;
    const found = await h.store.availability.search(search, { first: 10, after: undefined });
    expect(found.map((f) => [f.rank, f.name])).toEqual([
      [0, 'D community'],
      [1, 'C street'],
      [2, 'B district'],
      [3, 'A city'],
    ]);
    expect(await h.store.availability.countSearch(search)).toBe(4);
  });

  test('a facility with exactly the capacity asked free is found; one short of it, closed, or not listed is not, and is not counted', async () => {
    const kind = 'STUDY_ROOM';
    const day = '2030-12-11';
    await listedFacility(h.store, { kind, capacity: 3, name: 'exactly' });
    const short = await listedFacility(h.store, { kind, capacity: 3, name: 'short' });
    await insertBooking(h.database, short.id, { startsAt: at(day, '10:00'), endsAt: at(day, '11:00') });
    await listedFacility(h.store, { kind, capacity: 3, name: 'closed', closures: [{ startsOn: day, endsOn: day, reason: 'r' }] });
    const suspended = await listedFacility(h.store, { kind, capacity: 3, name: 'suspended' });
    await h.store.facilities.changeStatus(suspended.id, 'SUSPENDED', 'r', suspended.version, () => undefined, ACTOR);
    const search = { kind, near: JIFU, ...window(day, '10:00', day, '11:00'), minCapacity: 3 } as const;
    expect((await h.store.availability.search(search, { first: 10, after: undefined })).map((f) => f.name)).toEqual(['exactly']);
    expect(await h.store.availability.countSearch(search)).toBe(1);
  });

  test('pages of one row beyond, the cursor going on after it; the first free slot is the earliest', async () => {
    const kind = 'FITNESS_ROOM';
    const day = '2030-12-18';
    const a = await listedFacility(h.store, { kind, capacity: 1, name: 'A' });
    await insertBooking(h.database, a.id, { startsAt: at(day, '10:00'), endsAt: at(day, '11:00') });
    await listedFacility(h.store, { kind, capacity: 1, name: 'B' });
    await listedFacility(h.store, { kind, capacity: 1, name: 'C' });
    const search = { kind, near: JIFU, ...window(day, '10:00', day, '13:00'), minCapacity: 1 } as const;
    const first = await h.store.availability.search(search, { first: 1, after: undefined });
    expect(first.map((f) => f.name)).toEqual(['A', 'B']);
    expect(first[0]).toMatchObject({
      freeSlots: 2,
      firstFreeSlot: { startsAt: new Date(at(day, '11:00')), endsAt: new Date(at(day, '12:00')), free: 1 },
    });
    const next = await h.store.availability.search(search, { first: 5, after: [0, 'A', a.id] });
    expect(next.map((f) => f.name)).toEqual(['B', 'C']);
  });
});
