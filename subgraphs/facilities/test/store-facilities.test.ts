import { ACTOR, at, insertBooking, listedFacility, newFacility, openStore, refusal, type StoreHarness } from './store-support';

/** store/facilities.ts: changes checked against the bookings they would break, versions, and the public pages. */

let h: StoreHarness;
beforeAll(async () => {
  h = await openStore();
});
afterAll(async () => {
  await h?.close();
});

const WEDNESDAY = '2030-07-03';
const PAST_WEDNESDAY = '2020-07-01';

describe('lowering the capacity', () => {
  test('counts what future active bookings hold at once: back-to-back ones apart, cancelled and past ones not at all', async () => {
    const facility = await listedFacility(h.store, { capacity: 4 });
    await insertBooking(h.database, facility.id, { startsAt: at(WEDNESDAY, '10:00'), endsAt: at(WEDNESDAY, '11:00'), quantity: 2 });
    await insertBooking(h.database, facility.id, { startsAt: at(WEDNESDAY, '11:00'), endsAt: at(WEDNESDAY, '12:00'), quantity: 2 });
    await insertBooking(h.database, facility.id, {
      startsAt: at(WEDNESDAY, '10:00'),
      endsAt: at(WEDNESDAY, '11:00'),
      quantity: 4,
      status: 'CANCELLED',
    });
    await insertBooking(h.database, facility.id, {
      startsAt: at(PAST_WEDNESDAY, '10:00'),
      endsAt: at(PAST_WEDNESDAY, '11:00'),
      quantity: 4,
    });
    const lowered = await h.store.facilities.update(facility.id, facility.version, { capacity: 2 }, ACTOR);
    expect(lowered.capacity).toBe(2);
    const refused = await refusal(h.store.facilities.update(facility.id, lowered.version, { capacity: 1 }, ACTOR));
    expect(refused.message).toMatch(/hold 2 at once/);
    expect(refused.extensions).toMatchObject({ code: 'CONFLICT', rule: 'CAPACITY_BELOW_BOOKINGS' });
  });
});

describe('changing the opening hours', () => {
  const hoursWithWednesday = (startMinute: number, endMinute: number) =>
    [1, 2, 3, 4, 5, 6, 7].map((weekday) =>
      weekday === 3 ? { weekday, startMinute, endMinute } : { weekday, startMinute: 0, endMinute: 1440 },
    );

  test('keeps bookings at the opening and the closing edge; cancelled and past ones outside do not count', async () => {
    const facility = await listedFacility(h.store);
    await insertBooking(h.database, facility.id, { startsAt: at(WEDNESDAY, '09:00'), endsAt: at(WEDNESDAY, '10:00') });
    await insertBooking(h.database, facility.id, { startsAt: at(WEDNESDAY, '16:00'), endsAt: at(WEDNESDAY, '17:00') });
    await insertBooking(h.database, facility.id, { startsAt: at(WEDNESDAY, '20:00'), endsAt: at(WEDNESDAY, '21:00'), status: 'CANCELLED' });
    await insertBooking(h.database, facility.id, { startsAt: at(PAST_WEDNESDAY, '20:00'), endsAt: at(PAST_WEDNESDAY, '21:00') });
    const changed = await h.store.facilities.update(
      facility.id,
      facility.version,
      { openingHours: hoursWithWednesday(9 * 60, 17 * 60) },
      ACTOR,
    );
    const refused = await refusal(
      h.store.facilities.update(facility.id, changed.version, { openingHours: hoursWithWednesday(10 * 60, 17 * 60) }, ACTOR),
    );
    expect(refused.message).toMatch(/^1 future booking/);
    expect(refused.extensions).toMatchObject({ code: 'CONFLICT', rule: 'BOOKINGS_OUTSIDE_HOURS', field: 'input.openingHours' });
  });
});

describe('versions', () => {
  test('a status change and an update are refused on a stale version, older or newer', async () => {
    const facility = await listedFacility(h.store);
    for (const stale of [facility.version - 1, facility.version + 1]) {
      const status = await refusal(h.store.facilities.changeStatus(facility.id, 'SUSPENDED', 'r', stale, () => undefined, ACTOR));
      expect(status.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: facility.version });
      const update = await refusal(h.store.facilities.update(facility.id, stale, { name: 'renamed' }, ACTOR));
      expect(update.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: facility.version });
    }
    const suspended = await h.store.facilities.changeStatus(facility.id, 'SUSPENDED', 'r', facility.version, () => undefined, ACTOR);
    expect(suspended.facility).toMatchObject({ status: 'SUSPENDED', version: facility.version + 1 });
  });

  test('a withdrawn facility no longer changes', async () => {
    const facility = await listedFacility(h.store);
    const { facility: withdrawn } = await h.store.facilities.changeStatus(
      facility.id,
      'WITHDRAWN',
      'closed for good',
      facility.version,
      () => undefined,
      ACTOR,
    );
    const refused = await refusal(h.store.facilities.update(facility.id, withdrawn.version, { name: 'renamed' }, ACTOR));
    expect(refused.extensions).toMatchObject({ code: 'CONFLICT', rule: 'FACILITY_WITHDRAWN' });
  });
});

describe('reads', () => {
  test("a unit's pages: public ones only (not submitted, not withdrawn), by name, one row beyond the page, the cursor going on after it", async () => {
    const unitId = '6d3c1a52-31a7-4c5e-9a40-000000000001';
    const b = await listedFacility(h.store, { unitId, name: 'B 车位' });
    const a = await listedFacility(h.store, { unitId, name: 'A 车位' });
    const c = await listedFacility(h.store, { unitId, name: 'C 车位' });
    await h.store.facilities.changeStatus(c.id, 'SUSPENDED', 'r', c.version, () => undefined, ACTOR);
    await h.store.facilities.register(newFacility({ unitId, name: '0 submitted' }), ACTOR);
    const gone = await listedFacility(h.store, { unitId, name: '1 withdrawn' });
    await h.store.facilities.changeStatus(gone.id, 'WITHDRAWN', 'r', gone.version, () => undefined, ACTOR);
    await listedFacility(h.store, { name: 'A 别的单位' });

    const names = async (first: number, after?: (string | number)[]) =>
      (await h.store.facilities.pagesBy('unit_id', [unitId], { first, after })).map((f) => f.name);
    expect(await names(5)).toEqual(['A 车位', 'B 车位', 'C 车位']);
    expect(await names(1)).toEqual(['A 车位', 'B 车位']);
    expect(await names(5, ['A 车位', a.id])).toEqual(['B 车位', 'C 车位']);
    expect(await h.store.facilities.countBy('unit_id', [unitId, '6d3c1a52-31a7-4c5e-9a40-000000000002'])).toEqual(
      expect.arrayContaining([
        { key: unitId, count: 3 },
        { key: '6d3c1a52-31a7-4c5e-9a40-000000000002', count: 0 },
      ]),
    );

    const filter = { unitId, statuses: ['LISTED', 'SUSPENDED'] as const };
    expect((await h.store.facilities.page(filter, { first: 5, after: undefined })).map((f) => f.id)).toEqual([a.id, b.id, c.id]);
    expect(await h.store.facilities.count(filter)).toBe(3);
  });

  test("a facility's history in the order it happened", async () => {
    const facility = await listedFacility(h.store);
    await h.store.facilities.changeStatus(facility.id, 'SUSPENDED', 'r', facility.version, () => undefined, ACTOR);
    expect((await h.store.facilities.history([facility.id])).map((e) => e.toStatus)).toEqual(['SUBMITTED', 'LISTED', 'SUSPENDED']);
  });
});
