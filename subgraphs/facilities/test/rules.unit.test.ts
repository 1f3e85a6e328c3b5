import type {
  BookFacilityInput,
  BookingPolicyInput,
  OpeningIntervalInput,
  RegisterFacilityInput,
  UpdateFacilityInput,
} from '../src/generated/graphql';
import {
  bookingRule,
  cancellableUntil,
  closureOf,
  communityCode,
  MAX_AVAILABILITY_DAYS,
  MAX_SEARCH_DAYS,
  MAX_USAGE_DAYS,
  timeWindow,
  validateBooking,
  validateFacilityChanges,
  validateNewFacility,
  type ValidBooking,
} from '../src/rules';
import type { BookingCheck } from '../src/models';
import { refusal } from '../../../test/support/refusal';
import type { FacilityModel } from '../src/models';
import { facility, UNIT } from './fixtures';

/** The facility network's input and booking rules, one edge at a time (the end-to-end tests run them through the graph). */

const ZONE = 'Asia/Shanghai';
const badInput = (field: string, message: string) => ({ code: 'BAD_USER_INPUT', field, message });
const refused = (field: string, rule: string, message: string) => ({ code: 'BAD_USER_INPUT', field, rule, message });

const POLICY: BookingPolicyInput = {
  slotMinutes: 60,
  minSlots: 1,
  maxSlots: 4,
  advanceDays: 14,
  weeklyQuota: 3,
  approvalRequired: false,
  cancellationDeadlineHours: 24,
};
const HOURS: OpeningIntervalInput[] = [{ weekday: 1, opens: '08:00', closes: '12:00' }];

const registration = (overrides: Partial<RegisterFacilityInput> = {}): RegisterFacilityInput => ({
  unitId: UNIT,
  communityCode: '510104001002',
  kind: 'MEETING_ROOM',
  name: '春熙社区会议室',
  address: '春熙路1号',
  capacity: 20,
  openingHours: HOURS,
  policy: POLICY,
  ...overrides,
});

describe('text and ids, checked by the kit at the limits here', () => {
  test('required text is trimmed, not empty, at most the maximum, without control characters', () => {
    const name = (value: string) => validateNewFacility(registration({ name: value })).name;
    expect(name('  会议室 ')).toBe('会议室');
    expect(name('x'.repeat(100))).toBe('x'.repeat(100));
    expect(refusal(() => name(' \n '))).toEqual(refused('input.name', 'REQUIRED_TEXT', 'The name must not be empty.'));
    expect(refusal(() => name('x'.repeat(101)))).toEqual(
      refused('input.name', 'TEXT_TOO_LONG', 'The name must be at most 100 characters.'),
    );
    expect(refusal(() => name('a\u0000b'))).toEqual(
      refused('input.name', 'CONTROL_CHARACTERS', 'The name must not contain control characters.'),
    );
  });

  test('optional text: absent or blank is null, otherwise checked as "This text"', () => {
    const accessibility = (value: string | null | undefined) => validateNewFacility(registration({ accessibility: value })).accessibility;
    expect(accessibility(undefined)).toBeNull();
    expect(accessibility(null)).toBeNull();
    expect(accessibility('  ')).toBeNull();
    expect(accessibility(' 坡道 ')).toBe('坡道');
    expect(refusal(() => accessibility('x'.repeat(501)))).toEqual(
      refused('input.accessibility', 'TEXT_TOO_LONG', 'This text must be at most 500 characters.'),
    );
  });

  test('ids are UUIDs, kept in lower case; the refusal quotes at most 40 characters of the value', () => {
    expect(validateNewFacility(registration({ unitId: UNIT.toUpperCase() })).unitId).toBe(UNIT);
    expect(refusal(() => validateNewFacility(registration({ unitId: 'x'.repeat(50) })))).toEqual(
      refused('input.unitId', 'NOT_AN_ID', `"${'x'.repeat(40)}" is not an id (a UUID).`),
    );
  });

  test("community codes are a community's 12 digits", () => {
    expect(communityCode('510104001002', 'input.communityCode')).toBe('510104001002');
    for (const bad of ['510104001000', '51010400100', '000000000001']) {
      expect(refusal(() => communityCode(bad, 'input.communityCode'))).toEqual(
        badInput('input.communityCode', `${bad} is not a community's 12-digit code.`),
      );
    }
  });
});

describe('closures', () => {
  test('a closure ends on or after its start day and lasts at most 366 days', () => {
    expect(closureOf({ startsOn: '2026-07-01', endsOn: '2026-07-01', reason: ' 装修 ' }, 'input.closures.0')).toEqual({
      startsOn: '2026-07-01',
      endsOn: '2026-07-01',
      reason: '装修',
    });
    expect(closureOf({ startsOn: '2026-01-01', endsOn: '2027-01-02', reason: '装修' }, 'c')).toMatchObject({ endsOn: '2027-01-02' });
    expect(refusal(() => closureOf({ startsOn: '2026-07-02', endsOn: '2026-07-01', reason: '装修' }, 'input.closures.3'))).toEqual(
      badInput('input.closures.3.endsOn', 'A closure ends on or after the day it starts.'),
    );
    expect(refusal(() => closureOf({ startsOn: '2026-01-01', endsOn: '2027-01-03', reason: '装修' }, 'input.closures.3'))).toEqual(
      badInput('input.closures.3.endsOn', 'A closure lasts at most 366 days; withdraw the facility instead.'),
    );
  });

  test('its reason is required text of at most 500 characters', () => {
    expect(refusal(() => closureOf({ startsOn: '2026-07-01', endsOn: '2026-07-02', reason: ' ' }, 'input.closures.1'))).toEqual(
      refused('input.closures.1.reason', 'REQUIRED_TEXT', 'The reason must not be empty.'),
    );
    expect(closureOf({ startsOn: '2026-07-01', endsOn: '2026-07-02', reason: 'x'.repeat(500) }, 'c').reason).toHaveLength(500);
    expect(refusal(() => closureOf({ startsOn: '2026-07-01', endsOn: '2026-07-02', reason: 'x'.repeat(501) }, 'c'))).toEqual(
      refused('c.reason', 'TEXT_TOO_LONG', 'The reason must be at most 500 characters.'),
    );
  });
});

describe('registration', () => {
  test('a valid registration comes back trimmed and complete', () => {
    expect(
      validateNewFacility(
        registration({
          unitId: UNIT.toUpperCase(),
          name: ' 春熙社区会议室 ',
          address: ' 春熙路1号 ',
          pricePerSlot: ' 12.5 ',
          accessibility: ' 无障碍坡道 ',
          openingHours: [
            { weekday: 2, opens: '14:00', closes: '18:00' },
            { weekday: 1, opens: '08:00', closes: '12:00' },
          ],
          closures: [{ startsOn: '2026-10-01', endsOn: '2026-10-07', reason: '国庆' }],
          policy: { ...POLICY, approvalRequired: true },
        }),
      ),
    ).toEqual({
      unitId: UNIT,
      communityCode: '510104001002',
      kind: 'MEETING_ROOM',
      name: '春熙社区会议室',
      address: '春熙路1号',
      capacity: 20,
      slotMinutes: 60,
      minSlots: 1,
      maxSlots: 4,
      advanceDays: 14,
      weeklyQuota: 3,
      approvalRequired: true,
      cancelHours: 24,
      pricePerSlot: '12.5',
      accessibility: '无障碍坡道',
      openingHours: [
        { weekday: 2, startMinute: 840, endMinute: 1080 },
        { weekday: 1, startMinute: 480, endMinute: 720 },
      ],
      closures: [{ startsOn: '2026-10-01', endsOn: '2026-10-07', reason: '国庆' }],
    });
  });

  test('free facilities, no closures and no accessibility note', () => {
    expect(validateNewFacility(registration())).toMatchObject({ pricePerSlot: null, accessibility: null, closures: [] });
    expect(validateNewFacility(registration({ pricePerSlot: null, accessibility: null, closures: null }))).toMatchObject({
      pricePerSlot: null,
      accessibility: null,
      closures: [],
    });
  });

  test('each field names itself', () => {
    expect(refusal(() => validateNewFacility(registration({ unitId: 'nope' })))).toEqual(
      refused('input.unitId', 'NOT_AN_ID', '"nope" is not an id (a UUID).'),
    );
    expect(refusal(() => validateNewFacility(registration({ communityCode: '510104001000' })))).toEqual(
      badInput('input.communityCode', "510104001000 is not a community's 12-digit code."),
    );
    expect(refusal(() => validateNewFacility(registration({ name: 'x'.repeat(101) })))).toEqual(
      refused('input.name', 'TEXT_TOO_LONG', 'The name must be at most 100 characters.'),
    );
    expect(validateNewFacility(registration({ address: 'x'.repeat(500) })).address).toHaveLength(500);
    expect(refusal(() => validateNewFacility(registration({ address: 'x'.repeat(501) })))).toEqual(
      refused('input.address', 'TEXT_TOO_LONG', 'The address must be at most 500 characters.'),
    );
    expect(refusal(() => validateNewFacility(registration({ pricePerSlot: '-1' })))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.pricePerSlot',
    });
    expect(validateNewFacility(registration({ accessibility: 'x'.repeat(500) })).accessibility).toHaveLength(500);
    expect(refusal(() => validateNewFacility(registration({ accessibility: 'x'.repeat(501) })))).toEqual(
      refused('input.accessibility', 'TEXT_TOO_LONG', 'This text must be at most 500 characters.'),
    );
    expect(
      refusal(() => validateNewFacility(registration({ closures: [{ startsOn: '2026-07-02', endsOn: '2026-07-01', reason: 'r' }] }))),
    ).toEqual(badInput('input.closures.0.endsOn', 'A closure ends on or after the day it starts.'));
  });

  test('capacity from 1 to 10000', () => {
    expect(validateNewFacility(registration({ capacity: 1 })).capacity).toBe(1);
    expect(validateNewFacility(registration({ capacity: 10000 })).capacity).toBe(10000);
    for (const capacity of [0, 10001, 2.5]) {
      expect(refusal(() => validateNewFacility(registration({ capacity })))).toEqual(
        badInput('input.capacity', 'The capacity must be a whole number from 1 to 10000.'),
      );
    }
  });

  test('at most 100 closures', () => {
    const closure = { startsOn: '2026-07-01', endsOn: '2026-07-01', reason: 'r' };
    expect(validateNewFacility(registration({ closures: Array(100).fill(closure) })).closures).toHaveLength(100);
    expect(refusal(() => validateNewFacility(registration({ closures: Array(101).fill(closure) })))).toEqual(
      badInput('input.closures', 'At most 100 closures.'),
    );
  });
});

describe('booking policy', () => {
  const policyRefusal = (policy: Partial<BookingPolicyInput>) =>
    refusal(() =>
      validateNewFacility(
        registration({ policy: { ...POLICY, ...policy }, openingHours: [{ weekday: 1, opens: '00:00', closes: '24:00' }] }),
      ),
    );
  const policyOf = (policy: Partial<BookingPolicyInput>) =>
    validateNewFacility(
      registration({ policy: { ...POLICY, ...policy }, openingHours: [{ weekday: 1, opens: '00:00', closes: '24:00' }] }),
    );

  test('the slot length is 5 to 1440 minutes and divides a day', () => {
    expect(policyOf({ slotMinutes: 5 }).slotMinutes).toBe(5);
    expect(policyOf({ slotMinutes: 1440, maxSlots: 7 }).slotMinutes).toBe(1440);
    expect(policyRefusal({ slotMinutes: 4 })).toEqual(
      badInput('input.policy.slotMinutes', 'The slot length must be a whole number from 5 to 1440.'),
    );
    expect(policyRefusal({ slotMinutes: 1441 })).toEqual(
      badInput('input.policy.slotMinutes', 'The slot length must be a whole number from 5 to 1440.'),
    );
    expect(policyRefusal({ slotMinutes: 7 })).toEqual(
      badInput('input.policy.slotMinutes', 'The slot length must divide a day (15, 30, 60, 120 … minutes).'),
    );
  });

  test('the shortest booking is 1 to 32767 slots, the longest from the shortest to 32767 and at most seven days', () => {
    expect(policyRefusal({ minSlots: 0 })).toEqual(
      badInput('input.policy.minSlots', 'The shortest booking must be a whole number from 1 to 32767.'),
    );
    expect(policyRefusal({ minSlots: 32768, maxSlots: 32768 })).toEqual(
      badInput('input.policy.minSlots', 'The shortest booking must be a whole number from 1 to 32767.'),
    );
    expect(policyRefusal({ minSlots: 32767, maxSlots: 32767 })).toEqual(
      badInput('input.policy.maxSlots', 'A booking lasts at most seven days.'),
    );
    expect(policyOf({ minSlots: 4, maxSlots: 4 })).toMatchObject({ minSlots: 4, maxSlots: 4 });
    expect(policyRefusal({ minSlots: 4, maxSlots: 3 })).toEqual(
      badInput('input.policy.maxSlots', 'The longest booking (in slots, at least the shortest) must be a whole number from 4 to 32767.'),
    );
    expect(policyRefusal({ maxSlots: 32768 })).toEqual(
      badInput('input.policy.maxSlots', 'The longest booking (in slots, at least the shortest) must be a whole number from 1 to 32767.'),
    );
    expect(policyOf({ slotMinutes: 60, maxSlots: 168 }).maxSlots).toBe(168);
    expect(policyRefusal({ slotMinutes: 60, maxSlots: 169 })).toEqual(
      badInput('input.policy.maxSlots', 'A booking lasts at most seven days.'),
    );
  });

  test('how far ahead 1 to 366 days, the weekly quota 1 to 1000, the cancellation deadline 0 to 720 hours', () => {
    expect(policyOf({ advanceDays: 1, weeklyQuota: 1, cancellationDeadlineHours: 0 })).toMatchObject({
      advanceDays: 1,
      weeklyQuota: 1,
      cancelHours: 0,
    });
    expect(policyOf({ advanceDays: 366, weeklyQuota: 1000, cancellationDeadlineHours: 720 })).toMatchObject({
      advanceDays: 366,
      weeklyQuota: 1000,
      cancelHours: 720,
    });
    for (const advanceDays of [0, 367]) {
      expect(policyRefusal({ advanceDays })).toEqual(
        badInput('input.policy.advanceDays', 'How far ahead (days) must be a whole number from 1 to 366.'),
      );
    }
    for (const weeklyQuota of [0, 1001]) {
      expect(policyRefusal({ weeklyQuota })).toEqual(
        badInput('input.policy.weeklyQuota', 'The weekly quota must be a whole number from 1 to 1000.'),
      );
    }
    for (const cancellationDeadlineHours of [-1, 721]) {
      expect(policyRefusal({ cancellationDeadlineHours })).toEqual(
        badInput('input.policy.cancellationDeadlineHours', 'The cancellation deadline (hours) must be a whole number from 0 to 720.'),
      );
    }
  });
});

describe('opening hours', () => {
  const hoursRefusal = (openingHours: OpeningIntervalInput[], slotMinutes = 60) =>
    refusal(() => validateNewFacility(registration({ openingHours, policy: { ...POLICY, slotMinutes } })));
  const hoursOf = (openingHours: OpeningIntervalInput[], slotMinutes = 60) =>
    validateNewFacility(registration({ openingHours, policy: { ...POLICY, slotMinutes } })).openingHours;

  test('one to 42 intervals', () => {
    expect(hoursRefusal([])).toEqual(badInput('input.openingHours', 'Give the opening hours of at least one weekday.'));
    const perDay = (weekday: number) =>
      [0, 1, 2, 3, 4, 5].map((i) => ({
        weekday,
        opens: `${String(i * 2).padStart(2, '0')}:00`,
        closes: `${String(i * 2 + 1).padStart(2, '0')}:00`,
      }));
    const fortyTwo = [1, 2, 3, 4, 5, 6, 7].flatMap(perDay);
    expect(hoursOf(fortyTwo)).toHaveLength(42);
    expect(hoursRefusal([...fortyTwo, { weekday: 1, opens: '20:00', closes: '21:00' }])).toEqual(
      badInput('input.openingHours', 'At most 42 intervals.'),
    );
  });

  test('weekdays 1 to 7; opening 00:00 to 23:59, closing 00:01 to 24:00, each named by its index', () => {
    expect(hoursOf([{ weekday: 7, opens: '00:00', closes: '24:00' }], 60)).toEqual([{ weekday: 7, startMinute: 0, endMinute: 1440 }]);
    expect(
      hoursOf(
        [
          { weekday: 1, opens: '00:00', closes: '00:05' },
          { weekday: 1, opens: '23:55', closes: '24:00' },
        ],
        5,
      ),
    ).toEqual([
      { weekday: 1, startMinute: 0, endMinute: 5 },
      { weekday: 1, startMinute: 1435, endMinute: 1440 },
    ]);
    for (const weekday of [0, 8]) {
      expect(hoursRefusal([HOURS[0]!, { weekday, opens: '08:00', closes: '09:00' }])).toEqual(
        badInput('input.openingHours.1.weekday', 'The weekday (1 Monday … 7 Sunday) must be a whole number from 1 to 7.'),
      );
    }
    for (const opens of ['24:00', '8:00', '08:60']) {
      expect(hoursRefusal([{ weekday: 1, opens, closes: '12:00' }])).toEqual(
        badInput('input.openingHours.0.opens', 'Opening time is HH:MM, 00:00 to 23:59.'),
      );
    }
    for (const closes of ['24:01', '9:00', '']) {
      expect(hoursRefusal([{ weekday: 1, opens: '08:00', closes }])).toEqual(
        badInput('input.openingHours.0.closes', 'Closing time is HH:MM, 00:01 to 24:00.'),
      );
    }
  });

  test('an interval closes after it opens', () => {
    const message = 'An interval closes after it opens; for hours across midnight give two intervals (…–24:00 and 00:00–…).';
    expect(hoursRefusal([{ weekday: 1, opens: '08:00', closes: '08:00' }])).toEqual(badInput('input.openingHours.0.closes', message));
    expect(hoursRefusal([{ weekday: 1, opens: '22:00', closes: '02:00' }])).toEqual(badInput('input.openingHours.0.closes', message));
  });

  test('both ends fall on slot boundaries', () => {
    expect(hoursOf([{ weekday: 1, opens: '08:30', closes: '09:00' }], 30)).toEqual([{ weekday: 1, startMinute: 510, endMinute: 540 }]);
    expect(hoursRefusal([{ weekday: 1, opens: '08:30', closes: '10:00' }])).toEqual(
      badInput('input.openingHours.0.opens', 'Opening times fall on 60-minute slot boundaries.'),
    );
    expect(hoursRefusal([{ weekday: 1, opens: '08:00', closes: '09:30' }])).toEqual(
      badInput('input.openingHours.0.closes', 'Closing times fall on 60-minute slot boundaries.'),
    );
  });

  test('intervals of one weekday may touch but not overlap, in whatever order they are given', () => {
    const touching = [
      { weekday: 1, opens: '12:00', closes: '14:00' },
      { weekday: 1, opens: '08:00', closes: '12:00' },
    ];
    expect(hoursOf(touching)).toEqual([
      { weekday: 1, startMinute: 720, endMinute: 840 },
      { weekday: 1, startMinute: 480, endMinute: 720 },
    ]);
    expect(
      hoursOf([
        { weekday: 2, opens: '08:00', closes: '20:00' },
        { weekday: 1, opens: '09:00', closes: '10:00' },
        { weekday: 3, opens: '07:00', closes: '08:00' },
      ]),
    ).toHaveLength(3);
    expect(
      hoursRefusal([
        { weekday: 1, opens: '10:00', closes: '12:00' },
        { weekday: 2, opens: '08:00', closes: '09:00' },
        { weekday: 1, opens: '08:00', closes: '11:00' },
      ]),
    ).toEqual(badInput('input.openingHours', 'Intervals on weekday 1 overlap.'));
    expect(
      hoursRefusal([
        { weekday: 4, opens: '08:00', closes: '20:00' },
        { weekday: 4, opens: '09:00', closes: '10:00' },
      ]),
    ).toEqual(badInput('input.openingHours', 'Intervals on weekday 4 overlap.'));
  });
});

describe('changes', () => {
  const current = facility();
  const change = (input: Partial<UpdateFacilityInput>) =>
    validateFacilityChanges({ id: current.id, expectedVersion: 1, ...input }, current);

  test('only the fields given, each checked as at registration', () => {
    expect(change({ name: ' 新名 ' })).toEqual({ name: '新名' });
    expect(change({ address: ' 新址 ' })).toEqual({ address: '新址' });
    expect(change({ capacity: 30 })).toEqual({ capacity: 30 });
    expect(change({ pricePerSlot: ' 8 ' })).toEqual({ pricePerSlot: '8' });
    expect(change({ accessibility: ' 电梯 ' })).toEqual({ accessibility: '电梯' });
    expect(change({ openingHours: HOURS })).toEqual({ openingHours: [{ weekday: 1, startMinute: 480, endMinute: 720 }] });
    expect(refusal(() => change({ name: 'x'.repeat(101) }))).toEqual(
      refused('input.name', 'TEXT_TOO_LONG', 'The name must be at most 100 characters.'),
    );
    expect(refusal(() => change({ address: 'x'.repeat(501) }))).toEqual(
      refused('input.address', 'TEXT_TOO_LONG', 'The address must be at most 500 characters.'),
    );
    expect(refusal(() => change({ capacity: 0 }))).toEqual(
      badInput('input.capacity', 'The capacity must be a whole number from 1 to 10000.'),
    );
    expect(refusal(() => change({ pricePerSlot: 'free' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.pricePerSlot' });
    expect(refusal(() => change({ accessibility: 'x'.repeat(501) }))).toEqual(
      refused('input.accessibility', 'TEXT_TOO_LONG', 'This text must be at most 500 characters.'),
    );
  });

  test('null clears the price and the accessibility note; null elsewhere changes nothing', () => {
    expect(change({ pricePerSlot: null })).toEqual({ pricePerSlot: null });
    expect(change({ accessibility: null })).toEqual({ accessibility: null });
    expect(refusal(() => change({ name: null, address: null, capacity: null, policy: null, openingHours: null }))).toEqual(
      badInput('input', 'Give at least one field to change.'),
    );
    expect(refusal(() => change({}))).toEqual(badInput('input', 'Give at least one field to change.'));
  });

  test('a new policy with the same slot length needs no new hours; a new slot length does', () => {
    expect(change({ policy: { ...POLICY, weeklyQuota: 5 } })).toEqual({
      slotMinutes: 60,
      minSlots: 1,
      maxSlots: 4,
      advanceDays: 14,
      weeklyQuota: 5,
      approvalRequired: false,
      cancelHours: 24,
    });
    expect(refusal(() => change({ policy: { ...POLICY, slotMinutes: 30 } }))).toEqual(
      badInput('input.openingHours', 'A new slot length (30 minutes) needs the opening hours restated on its boundaries.'),
    );
    expect(
      change({ policy: { ...POLICY, slotMinutes: 30 }, openingHours: [{ weekday: 1, opens: '08:30', closes: '09:00' }] }),
    ).toMatchObject({
      slotMinutes: 30,
      openingHours: [{ weekday: 1, startMinute: 510, endMinute: 540 }],
    });
  });

  test('new hours are checked against the new slot length, or the current one', () => {
    expect(refusal(() => change({ openingHours: [{ weekday: 1, opens: '08:30', closes: '09:00' }] }))).toEqual(
      badInput('input.openingHours.0.opens', 'Opening times fall on 60-minute slot boundaries.'),
    );
    expect(
      refusal(() => change({ policy: { ...POLICY, slotMinutes: 120 }, openingHours: HOURS.map((h) => ({ ...h, opens: '09:00' })) })),
    ).toEqual(badInput('input.openingHours.0.opens', 'Opening times fall on 120-minute slot boundaries.'));
    expect(refusal(() => change({ policy: { ...POLICY, slotMinutes: 7 } }))).toEqual(
      badInput('input.policy.slotMinutes', 'The slot length must divide a day (15, 30, 60, 120 … minutes).'),
    );
  });
});

describe('a booking request', () => {
  // 2026-06-15 is a Monday; 10:00 in Shanghai is 02:00Z.
  const NOW = new Date('2026-06-15T01:00:00Z');
  const at = (local: string) => new Date(`${local}+08:00`);
  const request = (overrides: Partial<BookFacilityInput> = {}): BookFacilityInput => ({
    facilityId: 'f0000000-0000-4000-8000-000000000001',
    startsAt: at('2026-06-16T10:00:00'),
    endsAt: at('2026-06-16T12:00:00'),
    ...overrides,
  });
  const check = (input: Partial<BookFacilityInput>, model: Partial<FacilityModel> = {}, now = NOW, zone = ZONE) =>
    validateBooking(request(input), facility(model), now, zone);

  test('a valid request: its slots, quantity 1 by default, no price when free', () => {
    expect(check({ purpose: ' 楼栋会议 ' })).toEqual({
      startsAt: at('2026-06-16T10:00:00'),
      endsAt: at('2026-06-16T12:00:00'),
      quantity: 1,
      purpose: '楼栋会议',
      slots: 2,
      price: null,
    });
    expect(check({}).purpose).toBeNull();
  });

  test('the price is the slot price × slots × quantity, exact', () => {
    expect(check({ quantity: 3 }, { pricePerSlot: '12.50' }).price).toBe('75.00');
    expect(check({}, { pricePerSlot: '0.01' }).price).toBe('0.02');
  });

  test('only a listed facility takes bookings', () => {
    expect(refusal(() => check({}, { status: 'SUSPENDED', statusReason: '漏水' }))).toEqual({
      code: 'CONFLICT',
      field: 'input.facilityId',
      rule: 'FACILITY_LISTED',
      message: 'Facility f0000000-0000-4000-8000-000000000001 is suspended: 漏水; it takes no new bookings.',
    });
    expect(refusal(() => check({}, { status: 'SUSPENDED' }))).toMatchObject({
      message: 'Facility f0000000-0000-4000-8000-000000000001 is suspended; it takes no new bookings.',
    });
    expect(refusal(() => check({}, { status: 'SUBMITTED' }))).toEqual({
      code: 'CONFLICT',
      field: 'input.facilityId',
      rule: 'FACILITY_LISTED',
      message: 'Facility f0000000-0000-4000-8000-000000000001 is SUBMITTED, not listed; it takes no bookings.',
    });
  });

  test('real instants, ending after the start', () => {
    expect(refusal(() => check({ startsAt: new Date(Number.NaN) }))).toEqual(refused('input.startsAt', 'TIMES', 'Give real instants.'));
    expect(refusal(() => check({ endsAt: new Date(Number.NaN) }))).toEqual(refused('input.startsAt', 'TIMES', 'Give real instants.'));
    expect(refusal(() => check({ endsAt: at('2026-06-16T10:00:00') }))).toEqual(
      refused('input.endsAt', 'TIMES', 'A booking ends after it starts.'),
    );
    expect(refusal(() => check({ endsAt: at('2026-06-16T09:00:00') }))).toEqual(
      refused('input.endsAt', 'TIMES', 'A booking ends after it starts.'),
    );
  });

  test('start and end on slot boundaries of local time, to the second', () => {
    const message = 'Bookings start and end on 60-minute slot boundaries (local time in Asia/Shanghai).';
    expect(refusal(() => check({ startsAt: at('2026-06-16T10:30:00') }))).toEqual(refused('input.startsAt', 'SLOT_ALIGNMENT', message));
    expect(refusal(() => check({ endsAt: at('2026-06-16T11:30:00') }))).toEqual(refused('input.endsAt', 'SLOT_ALIGNMENT', message));
    expect(refusal(() => check({ startsAt: at('2026-06-16T10:00:30') }))).toEqual(refused('input.startsAt', 'SLOT_ALIGNMENT', message));
    expect(refusal(() => check({ endsAt: at('2026-06-16T12:00:00.001') }))).toEqual(refused('input.endsAt', 'SLOT_ALIGNMENT', message));
    // 15:30 in Kolkata is 10:00Z: aligned in UTC, not on the local hour.
    expect(
      refusal(() =>
        check({ startsAt: new Date('2026-06-16T10:00:00Z'), endsAt: new Date('2026-06-16T12:00:00Z') }, {}, NOW, 'Asia/Kolkata'),
      ),
    ).toEqual(
      refused('input.startsAt', 'SLOT_ALIGNMENT', 'Bookings start and end on 60-minute slot boundaries (local time in Asia/Kolkata).'),
    );
    expect(
      check({ startsAt: new Date('2026-06-16T10:30:00Z'), endsAt: new Date('2026-06-16T11:30:00Z') }, {}, NOW, 'Asia/Kolkata').slots,
    ).toBe(1);
  });

  test('from the shortest to the longest booking, both included', () => {
    expect(check({ endsAt: at('2026-06-16T12:00:00') }, { minSlots: 2 }).slots).toBe(2);
    expect(refusal(() => check({ endsAt: at('2026-06-16T11:00:00') }, { minSlots: 2 }))).toEqual(
      refused('input.endsAt', 'MIN_LENGTH', 'The shortest booking here is 120 minutes.'),
    );
    expect(check({ endsAt: at('2026-06-16T14:00:00') }).slots).toBe(4);
    expect(refusal(() => check({ endsAt: at('2026-06-16T15:00:00') }))).toEqual(
      refused('input.endsAt', 'MAX_LENGTH', 'The longest booking here is 240 minutes.'),
    );
  });

  test('not in the past; starting right now is allowed', () => {
    expect(check({ startsAt: at('2026-06-15T09:00:00'), endsAt: at('2026-06-15T10:00:00') }).slots).toBe(1);
    expect(refusal(() => check({ startsAt: at('2026-06-15T08:00:00'), endsAt: at('2026-06-15T10:00:00') }))).toEqual(
      refused('input.startsAt', 'IN_PAST', 'A booking cannot start in the past.'),
    );
  });

  test('at most advanceDays ahead, counted in local days', () => {
    expect(check({ startsAt: at('2026-06-29T23:00:00'), endsAt: at('2026-06-30T00:00:00') }).slots).toBe(1);
    expect(refusal(() => check({ startsAt: at('2026-06-30T00:00:00'), endsAt: at('2026-06-30T01:00:00') }))).toEqual(
      refused('input.startsAt', 'ADVANCE_WINDOW', 'Bookings open 14 days ahead: the latest start day is 2026-06-29.'),
    );
    // At 17:00Z on the 14th it is already the 15th in Shanghai: the window counts from the local day.
    expect(
      check({ startsAt: at('2026-06-29T08:00:00'), endsAt: at('2026-06-29T09:00:00') }, {}, new Date('2026-06-14T17:00:00Z')).slots,
    ).toBe(1);
  });

  test('quantity from 1 to the capacity', () => {
    expect(check({ quantity: 20 }).quantity).toBe(20);
    for (const quantity of [0, 21, 1.5]) {
      expect(refusal(() => check({ quantity }))).toEqual(refused('input.quantity', 'QUANTITY', 'Book from 1 to 20 (the capacity).'));
    }
    expect(check({ quantity: null }).quantity).toBe(1);
  });

  test('the purpose is optional text of at most 500 characters', () => {
    expect(refusal(() => check({ purpose: 'x'.repeat(501) }))).toEqual(
      refused('input.purpose', 'TEXT_TOO_LONG', 'This text must be at most 500 characters.'),
    );
  });
});

describe('the rules the database answers', () => {
  const booking: ValidBooking = {
    startsAt: new Date('2026-06-16T02:00:00Z'),
    endsAt: new Date('2026-06-16T04:00:00Z'),
    quantity: 5,
    purpose: null,
    slots: 2,
    price: null,
  };
  const found = (overrides: Partial<BookingCheck> = {}): BookingCheck => ({
    status: 'LISTED',
    openSlots: 2,
    closedReason: null,
    peakUsed: 0,
    weekBookings: 0,
    ...overrides,
  });
  const rule = bookingRule(facility(), booking);

  test('a booking inside the hours, under the quota and the capacity passes', () => {
    expect(() => rule(found())).not.toThrow();
    expect(() => rule(found({ weekBookings: 2, peakUsed: 15 }))).not.toThrow();
  });

  test('the facility is still listed', () => {
    expect(refusal(() => rule(found({ status: 'WITHDRAWN' })))).toEqual({
      code: 'CONFLICT',
      field: 'input.facilityId',
      rule: 'FACILITY_LISTED',
      message: 'Facility f0000000-0000-4000-8000-000000000001 is WITHDRAWN now; it takes no new bookings.',
    });
  });

  test('not on a closure day', () => {
    expect(refusal(() => rule(found({ closedReason: '装修' })))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.startsAt',
      rule: 'CLOSURE',
      message: 'The facility is closed then: 装修',
    });
  });

  test('every slot inside the opening hours', () => {
    for (const openSlots of [1, 3]) {
      expect(refusal(() => rule(found({ openSlots })))).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'input.startsAt',
        rule: 'OPENING_HOURS',
        message: 'The booking must lie inside the opening hours (local time), every slot of it.',
      });
    }
  });

  test('the weekly quota counts the bookings already held', () => {
    expect(refusal(() => rule(found({ weekBookings: 3 })))).toEqual({
      code: 'CONFLICT',
      field: 'input.startsAt',
      rule: 'WEEKLY_QUOTA',
      message: 'You already hold 3 booking(s) here that week; the quota is 3 a week.',
    });
  });

  test('capacity at the busiest slot, its last place included', () => {
    expect(() => rule(found({ peakUsed: 15 }))).not.toThrow();
    expect(refusal(() => rule(found({ peakUsed: 16 })))).toEqual({
      code: 'CONFLICT',
      field: 'input.startsAt',
      rule: 'CAPACITY',
      message: 'Not enough free capacity then: 4 of 20 free at the busiest slot.',
    });
  });
});

describe('deadlines and windows', () => {
  test('a booking can be cancelled until cancelHours before its start', () => {
    expect(cancellableUntil(new Date('2026-06-16T02:00:00Z'), facility({ cancelHours: 24 }))).toEqual(new Date('2026-06-15T02:00:00Z'));
    expect(cancellableUntil(new Date('2026-06-16T02:00:00Z'), facility({ cancelHours: 0 }))).toEqual(new Date('2026-06-16T02:00:00Z'));
  });

  test('a window is ordered and at most maxDays long', () => {
    expect(() => timeWindow(new Date('2026-06-01T00:00:00Z'), new Date('2026-06-15T00:00:00Z'), 14)).not.toThrow();
    expect(refusal(() => timeWindow(new Date('2026-06-01T00:00:00Z'), new Date('2026-06-15T00:00:00.001Z'), 14))).toEqual(
      badInput('to', 'The window is at most 14 days.'),
    );
    expect(refusal(() => timeWindow(new Date('2026-06-01T00:00:00Z'), new Date('2026-06-01T00:00:00Z'), 14))).toEqual(
      badInput('to', '`to` must be after `from`.'),
    );
    expect(refusal(() => timeWindow(new Date('2026-06-02T00:00:00Z'), new Date('2026-06-01T00:00:00Z'), 14))).toEqual(
      badInput('to', '`to` must be after `from`.'),
    );
    expect(refusal(() => timeWindow(new Date(Number.NaN), new Date('2026-06-01T00:00:00Z'), 14))).toEqual(
      badInput('to', '`to` must be after `from`.'),
    );
  });

  test('the windows: 31 days of availability, 14 of search, 366 of usage', () => {
    expect([MAX_AVAILABILITY_DAYS, MAX_SEARCH_DAYS, MAX_USAGE_DAYS]).toEqual([31, 14, 366]);
  });
});
