import { refusal } from '../../../test/support/refusal';
import { viewer } from '../../../test/support/tokens';
import type { BookingCheck } from '../src/models';
import { promotionVerdict, waitlistRule, type ValidBooking } from '../src/rules';
import { BOOKERS, UNIT, waitlistWorkflow } from '../src/workflow';
import { facility } from './fixtures';

/** Waiting lists' pure parts: who may join, what promotion decides per entry, and the entry's table. */

const found = (overrides: Partial<BookingCheck> = {}): BookingCheck => ({
  status: 'LISTED',
  openSlots: 2,
  closedReason: null,
  peakUsed: 20,
  weekBookings: 0,
  ...overrides,
});

describe('joining a waiting list (capacity 20, quota 3)', () => {
  const booking: ValidBooking = {
    startsAt: new Date('2026-06-16T02:00:00Z'),
    endsAt: new Date('2026-06-16T04:00:00Z'),
    quantity: 5,
    purpose: null,
    slots: 2,
    price: null,
  };
  const rule = waitlistRule(facility(), booking);

  test('only a full interval has a waiting list: one place short is full, enough room is NOT_FULL', () => {
    expect(() => rule(found({ peakUsed: 16 }))).not.toThrow();
    expect(refusal(() => rule(found({ peakUsed: 15 })))).toEqual({
      code: 'CONFLICT',
      field: 'input.startsAt',
      rule: 'NOT_FULL',
      message: 'There is room then (5 free): book it instead of waiting.',
    });
  });

  test('every other booking rule refuses as it would refuse the booking', () => {
    expect(refusal(() => rule(found({ closedReason: '装修' })))).toMatchObject({ rule: 'CLOSURE' });
    expect(refusal(() => rule(found({ openSlots: 1 })))).toMatchObject({ rule: 'OPENING_HOURS' });
    expect(refusal(() => rule(found({ weekBookings: 3 })))).toMatchObject({ rule: 'WEEKLY_QUOTA' });
    expect(refusal(() => rule(found({ status: 'SUSPENDED' })))).toMatchObject({ rule: 'FACILITY_LISTED' });
  });
});

describe('promotion of one entry (capacity 20, quota 3)', () => {
  const entry = { quantity: 2, slots: 2 };
  const verdict = (overrides: Partial<BookingCheck>) => promotionVerdict(facility(), entry, found(overrides));

  test('promoted when every rule holds, the last places included', () => {
    expect(verdict({ peakUsed: 18, weekBookings: 2 })).toEqual({ outcome: 'PROMOTE' });
  });

  test('kept waiting for what may change: capacity, the weekly quota', () => {
    expect(verdict({ peakUsed: 19 })).toEqual({ outcome: 'KEEP', rule: 'CAPACITY', reason: '1 free, 2 wanted.' });
    expect(verdict({ peakUsed: 0, weekBookings: 3 })).toEqual({
      outcome: 'KEEP',
      rule: 'WEEKLY_QUOTA',
      reason: 'The booker holds the weekly quota (3) that week.',
    });
  });

  test('expired, with the reason, for what will not: a closure, the opening hours', () => {
    expect(verdict({ peakUsed: 0, closedReason: '消防检查' })).toEqual({
      outcome: 'EXPIRE',
      rule: 'CLOSURE',
      reason: '闭馆 The facility is closed then: 消防检查',
    });
    expect(verdict({ peakUsed: 0, openSlots: 1 })).toEqual({
      outcome: 'EXPIRE',
      rule: 'OPENING_HOURS',
      reason: 'The interval is no longer inside the opening hours.',
    });
  });
});

describe("a waiting-list entry's table", () => {
  const resident = viewer({ roles: ['RESIDENT'], area: '510104001002' });
  const unitAdmin = viewer({ roles: ['UNIT_ADMIN'], area: '510104000000', org: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' });
  const worker = viewer({ roles: ['COMMUNITY_WORKER'], area: '510104001002' });

  test("its steps: leaving by the booker; promotion and expiry caused by bookers' and the unit's steps", () => {
    expect(waitlistWorkflow.name).toBe('A waiting-list entry');
    expect(waitlistWorkflow.transitions.map((t) => [t.from, t.to, t.roles, t.requires !== undefined])).toEqual([
      ['WAITING', 'LEFT', BOOKERS, false],
      ['WAITING', 'PROMOTED', [...BOOKERS, ...UNIT], false],
      ['WAITING', 'EXPIRED', [...BOOKERS, ...UNIT], false],
    ]);
    for (const final of ['PROMOTED', 'LEFT', 'EXPIRED'] as const) expect(waitlistWorkflow.next(final)).toEqual([]);
  });

  test('a booker leaves while waiting, without a reason', () => {
    expect(waitlistWorkflow.check(resident, 'WAITING', 'LEFT', {}).to).toBe('LEFT');
    expect(waitlistWorkflow.check(unitAdmin, 'WAITING', 'PROMOTED', {}).to).toBe('PROMOTED');
    expect(waitlistWorkflow.check(resident, 'WAITING', 'EXPIRED', {}).to).toBe('EXPIRED');
  });

  test('refused: leaving once promoted, left or expired; the unit or a worker leaving for the booker', () => {
    for (const from of ['PROMOTED', 'LEFT', 'EXPIRED'] as const) {
      expect(refusal(() => waitlistWorkflow.check(resident, from, 'LEFT', {}))).toMatchObject({
        code: 'INVALID_TRANSITION',
        from,
        to: 'LEFT',
      });
    }
    expect(refusal(() => waitlistWorkflow.check(unitAdmin, 'WAITING', 'LEFT', {}))).toMatchObject({ code: 'FORBIDDEN' });
    expect(refusal(() => waitlistWorkflow.check(worker, 'WAITING', 'PROMOTED', {}))).toMatchObject({ code: 'FORBIDDEN' });
    expect(refusal(() => waitlistWorkflow.check(resident, 'PROMOTED', 'WAITING', {}))).toMatchObject({ code: 'INVALID_TRANSITION' });
  });
});
