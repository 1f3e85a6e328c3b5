import { ACTOR, at, insertBooking, listedFacility, openStore, type StoreHarness } from './store-support';

/** store/calendars.ts: what each feed shows, from when, and the secrets of bookers' feeds. */

let h: StoreHarness;
beforeAll(async () => {
  h = await openStore();
});
afterAll(async () => {
  await h?.close();
});

const SINCE = new Date(at('2030-01-10', '12:00'));

describe("a facility's feed", () => {
  test('its active bookings ending after `since`, one begun before it included, soonest first; cancelled, declined and other facilities not', async () => {
    const facility = await listedFacility(h.store);
    const other = await listedFacility(h.store);
    const later = await insertBooking(h.database, facility.id, {
      startsAt: at('2030-01-12', '10:00'),
      endsAt: at('2030-01-12', '11:00'),
      status: 'PENDING',
    });
    const spanning = await insertBooking(h.database, facility.id, {
      startsAt: at('2030-01-10', '11:00'),
      endsAt: at('2030-01-10', '13:00'),
      status: 'CHECKED_IN',
    });
    await insertBooking(h.database, facility.id, { startsAt: at('2030-01-10', '11:00'), endsAt: at('2030-01-10', '12:00') });
    await insertBooking(h.database, facility.id, {
      startsAt: at('2030-01-11', '10:00'),
      endsAt: at('2030-01-11', '11:00'),
      status: 'CANCELLED',
    });
    await insertBooking(h.database, facility.id, {
      startsAt: at('2030-01-11', '11:00'),
      endsAt: at('2030-01-11', '12:00'),
      status: 'DECLINED',
    });
    await insertBooking(h.database, other.id, { startsAt: at('2030-01-11', '10:00'), endsAt: at('2030-01-11', '11:00') });
    const feed = await h.store.calendars.bookings({ facilityId: facility.id }, SINCE);
    expect(feed.map((b) => b.id)).toEqual([spanning, later]);
    expect(feed[0]).toMatchObject({ facilityName: facility.name, facilityAddress: facility.address });
  });
});

describe("a booker's feed", () => {
  test("every booking of theirs ending after `since`, cancellations included so they reach the calendar; nobody else's", async () => {
    const facility = await listedFacility(h.store);
    const booker = 'feed-owner';
    const cancelled = await insertBooking(h.database, facility.id, {
      booker,
      startsAt: at('2030-01-13', '10:00'),
      endsAt: at('2030-01-13', '11:00'),
      status: 'CANCELLED',
    });
    const confirmed = await insertBooking(h.database, facility.id, {
      booker,
      startsAt: at('2030-01-11', '10:00'),
      endsAt: at('2030-01-11', '11:00'),
    });
    await insertBooking(h.database, facility.id, { booker, startsAt: at('2030-01-10', '11:00'), endsAt: at('2030-01-10', '12:00') });
    await insertBooking(h.database, facility.id, {
      booker: 'someone-else',
      startsAt: at('2030-01-11', '12:00'),
      endsAt: at('2030-01-11', '13:00'),
    });
    expect((await h.store.calendars.bookings({ booker }, SINCE)).map((b) => b.id)).toEqual([confirmed, cancelled]);
  });
});

describe("a booker's feed secret", () => {
  test('a rotation replaces it: the old one opens nothing, the new one the booker; the rotation and its reason are on the audit trail', async () => {
    const subject = 'rotating-booker';
    await h.store.calendars.rotateSecret(subject, 'a'.repeat(64), null, ACTOR);
    expect(await h.store.calendars.subjectOf('a'.repeat(64))).toBe(subject);
    await h.store.calendars.rotateSecret(subject, 'b'.repeat(64), 'leaked', ACTOR);
    expect(await h.store.calendars.subjectOf('a'.repeat(64))).toBeNull();
    expect(await h.store.calendars.subjectOf('b'.repeat(64))).toBe(subject);
    const events = await h.database.query<{ reason: string | null }>(
      "SELECT reason FROM facilities.facility_event WHERE entity_type = 'CalendarSecret' AND action = 'ROTATE' ORDER BY id",
    );
    expect(events.map((e) => e.reason)).toEqual([null, 'leaked']);
  });
});
