import { testConfig } from '../../../test/support/graph';
import { loadFacilitiesConfig } from '../src/config';
import type { BookingStep, FacilityModel, NewBooking } from '../src/models';
import { createFacilitiesStore } from '../src/store';
import { ACTOR, at, bookingRow, insertBooking, listedFacility, openStore, refusal, type StoreHarness } from './store-support';

/** store/waitlist.ts: the queue's order and positions, which entries promotion reads, and what closures expire. */

let h: StoreHarness;
beforeAll(async () => {
  h = await openStore();
});
afterAll(async () => {
  await h?.close();
});

const DAY = '2030-01-09'; // a Wednesday, inside no one's advance window: the store does not judge it
const ten = { startsAt: at(DAY, '10:00'), endsAt: at(DAY, '11:00') };
const CANCEL = (): BookingStep => ({ status: 'CANCELLED', reason: null, action: 'CANCEL' });
const ADMIT = () => undefined;

function request(facility: FacilityModel, interval: { startsAt: string; endsAt: string }, booker: string, quantity = 1): NewBooking {
  const startsAt = new Date(interval.startsAt);
  const endsAt = new Date(interval.endsAt);
  const slots = (endsAt.getTime() - startsAt.getTime()) / 3_600_000;
  return { facility, booker, bookerOrg: null, startsAt, endsAt, quantity, purpose: null, slots, price: null };
}

async function join(facility: FacilityModel, booker: string, interval = ten, quantity = 1) {
  return h.store.waitlist.join(request(facility, interval, booker, quantity), ADMIT, ACTOR);
}

async function states(facility: FacilityModel) {
  return h.database.query<{ booker: string; status: string; position: number | null }>(
    `SELECT w.booker, w.status::text AS status,
            CASE WHEN w.status = 'WAITING' THEN (SELECT count(*)::int FROM facilities.waitlist_entry o
              WHERE o.facility_id = w.facility_id AND o.starts_at = w.starts_at AND o.ends_at = w.ends_at
                AND o.status = 'WAITING' AND o.seq <= w.seq) END AS position
       FROM facilities.waitlist_entry w WHERE w.facility_id = $1::uuid ORDER BY w.seq`,
    [facility.id],
  );
}

test('positions count only the waiting entries of the same interval joined earlier', async () => {
  const facility = await listedFacility(h.store, { capacity: 1, kind: 'MEETING_ROOM' });
  const a = await join(facility, 'a');
  const other = await join(facility, 'a', { startsAt: at(DAY, '09:00'), endsAt: at(DAY, '11:00') });
  const b = await join(facility, 'b');
  const c = await join(facility, 'c');
  expect([a.position, other.position, b.position, c.position]).toEqual([1, 1, 2, 3]);
  await h.store.waitlist.leave(b.id, undefined, null, ADMIT, ACTOR);
  const [after] = await h.store.waitlist.byId([c.id]);
  expect(after!.position).toBe(2);
  const [left] = await h.store.waitlist.byId([b.id]);
  expect(left).toMatchObject({ status: 'LEFT', position: null });
  expect((await refusal(h.store.waitlist.leave(b.id, undefined, null, ADMIT, ACTOR))).extensions).toMatchObject({ code: 'CONFLICT' });
});

test('the per-slot maximum counts the waiting entries of exactly this interval', async () => {
  const facility = await listedFacility(h.store, { capacity: 1 });
  await join(facility, 'x', { startsAt: at(DAY, '09:00'), endsAt: at(DAY, '10:00') });
  const left = await join(facility, 'y');
  await h.store.waitlist.leave(left.id, undefined, null, ADMIT, ACTOR);
  // One more of this interval is allowed under a maximum of 1: the other interval and the one who left do not count.
  const strict = openStoreWith({ FACILITIES_WAITLIST_PER_SLOT: '1' });
  try {
    const [same] = await strict.store.facilities.byId([facility.id]);
    await strict.store.waitlist.join(request(same!, ten, 'z'), ADMIT, ACTOR);
    expect((await refusal(strict.store.waitlist.join(request(same!, ten, 'w'), ADMIT, ACTOR))).extensions).toMatchObject({
      rule: 'WAITLIST_FULL',
    });
  } finally {
    await strict.store.close();
  }
});

test('a cancellation promotes waiters in the order joined, past a waiter wanting more than is free, never one who left', async () => {
  const facility = await listedFacility(h.store, { capacity: 3 });
  const held = await insertBooking(h.database, facility.id, ten);
  await insertBooking(h.database, facility.id, { ...ten, quantity: 2 });
  await join(facility, 'left');
  await join(facility, 'big', ten, 2);
  await join(facility, 'first');
  await join(facility, 'second');
  const [gone] = await h.database.query<{ id: string }>(
    `SELECT id::text FROM facilities.waitlist_entry WHERE facility_id = $1::uuid AND booker = 'left'`,
    [facility.id],
  );
  await h.store.waitlist.leave(gone!.id, undefined, null, ADMIT, ACTOR);
  // One place frees: too few for big (2), who keeps their place; first takes it; then none is left for second.
  await h.store.bookings.change(held, undefined, CANCEL, ACTOR);
  expect(await states(facility)).toEqual([
    { booker: 'left', status: 'LEFT', position: null },
    { booker: 'big', status: 'WAITING', position: 1 },
    { booker: 'first', status: 'PROMOTED', position: null },
    { booker: 'second', status: 'WAITING', position: 2 },
  ]);
});

test('promotion reads only entries overlapping the freed interval, and expires those whose interval began', async () => {
  const facility = await listedFacility(h.store, { capacity: 1 });
  const held = await insertBooking(h.database, facility.id, ten);
  const elsewhere = { startsAt: at(DAY, '14:00'), endsAt: at(DAY, '15:00') };
  await insertBooking(h.database, facility.id, elsewhere);
  await join(facility, 'afternoon', elsewhere);
  await join(facility, 'morning');
  // An entry whose interval is already past, written straight in.
  await h.database.query(
    `INSERT INTO facilities.waitlist_entry (id, facility_id, booker, starts_at, ends_at)
     VALUES (gen_random_uuid(), $1::uuid, 'late', $2::timestamptz, $3::timestamptz)`,
    [facility.id, at('2020-01-08', '10:00'), at('2020-01-08', '11:00')],
  );
  await h.store.bookings.change(held, undefined, CANCEL, ACTOR);
  expect(await states(facility)).toEqual([
    { booker: 'afternoon', status: 'WAITING', position: 1 },
    { booker: 'morning', status: 'PROMOTED', position: null },
    { booker: 'late', status: 'EXPIRED', position: null },
  ]);
  expect((await bookingRow(h.database, held)).status).toBe('CANCELLED');
});

test('a closure expires the waiting entries on its days with its reason, and the freed places go to no one', async () => {
  const facility = await listedFacility(h.store, { capacity: 1 });
  await insertBooking(h.database, facility.id, ten);
  const nextDay = { startsAt: at('2030-01-10', '10:00'), endsAt: at('2030-01-10', '11:00') };
  await insertBooking(h.database, facility.id, nextDay);
  await join(facility, 'on-the-day');
  await join(facility, 'next-day', nextDay);
  await h.store.closures.add(facility, { startsOn: DAY, endsOn: DAY, reason: '停电' }, ACTOR);
  const rows = await h.database.query<{ booker: string; status: string; reason: string | null; booking_id: string | null }>(
    `SELECT booker, status::text, status_reason AS reason, booking_id::text FROM facilities.waitlist_entry WHERE facility_id = $1::uuid ORDER BY seq`,
    [facility.id],
  );
  expect(rows).toEqual([
    { booker: 'on-the-day', status: 'EXPIRED', reason: '闭馆 Closed: 停电', booking_id: null },
    { booker: 'next-day', status: 'WAITING', reason: null, booking_id: null },
  ]);
});

/** A second store over the same database with other settings. */
function openStoreWith(env: Record<string, string>) {
  return { store: createFacilitiesStore(h.database, undefined, loadFacilitiesConfig(testConfig(env))) };
}
