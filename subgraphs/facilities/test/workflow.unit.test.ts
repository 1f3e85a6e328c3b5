import { viewer } from '../../../test/support/tokens';
import { refusal } from '../../../test/support/refusal';
import { BOOKERS, bookingWorkflow, facilityWorkflow, REVIEWERS, UNIT } from '../src/workflow';

/** A facility registration's and a booking's tables: each step, who may take it and what it needs. */

const UNIT_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const unitAdmin = viewer({ roles: ['UNIT_ADMIN'], area: '510104000000', org: UNIT_ID });
const worker = viewer({ roles: ['COMMUNITY_WORKER'], area: '510104001002' });
const street = viewer({ roles: ['STREET_OFFICER'], area: '510104001000' });
const resident = viewer({ roles: ['RESIDENT'], area: '510104001002' });
const orgAdmin = viewer({ roles: ['ORG_ADMIN'], area: '510104000000', org: 'ffffffff-4e5f-4a6b-8c7d-9e0f1a2b3c4d' });
const reasonRequired = { code: 'BAD_USER_INPUT', field: 'input.reason', message: 'A reason is required for this step.' };

describe('roles', () => {
  test('reviewers, the unit and bookers', () => {
    expect(REVIEWERS).toEqual(['COMMUNITY_WORKER', 'STREET_OFFICER']);
    expect(UNIT).toEqual(['UNIT_ADMIN']);
    expect(BOOKERS).toEqual(['RESIDENT', 'ORG_ADMIN']);
  });
});

describe('a facility registration', () => {
  test('its table, and which steps need a reason', () => {
    expect(facilityWorkflow.name).toBe('A facility registration');
    expect(facilityWorkflow.transitions.map((t) => [t.from, t.to, t.roles, t.requires !== undefined])).toEqual([
      ['SUBMITTED', 'LISTED', REVIEWERS, false],
      ['SUBMITTED', 'RETURNED', REVIEWERS, true],
      ['RETURNED', 'SUBMITTED', UNIT, false],
      ['LISTED', 'SUSPENDED', UNIT, true],
      ['SUSPENDED', 'LISTED', UNIT, false],
      ['SUBMITTED', 'WITHDRAWN', UNIT, true],
      ['RETURNED', 'WITHDRAWN', UNIT, true],
      ['LISTED', 'WITHDRAWN', UNIT, true],
      ['SUSPENDED', 'WITHDRAWN', UNIT, true],
    ]);
    expect(facilityWorkflow.next('WITHDRAWN')).toEqual([]);
  });

  test('reviewers list or return; returning needs a reason', () => {
    expect(facilityWorkflow.check(worker, 'SUBMITTED', 'LISTED', {}).to).toBe('LISTED');
    expect(facilityWorkflow.check(street, 'SUBMITTED', 'RETURNED', { reason: '缺少消防验收' }).to).toBe('RETURNED');
    for (const reason of [undefined, null, '  ']) {
      expect(refusal(() => facilityWorkflow.check(worker, 'SUBMITTED', 'RETURNED', { reason }))).toEqual(reasonRequired);
    }
    expect(refusal(() => facilityWorkflow.check(unitAdmin, 'SUBMITTED', 'LISTED', {}))).toEqual({
      code: 'FORBIDDEN',
      message: 'A facility registration: SUBMITTED → LISTED is for COMMUNITY_WORKER, STREET_OFFICER.',
    });
  });

  test('the unit resubmits, suspends with a reason, resumes, and withdraws with a reason', () => {
    expect(facilityWorkflow.check(unitAdmin, 'RETURNED', 'SUBMITTED', {}).to).toBe('SUBMITTED');
    expect(facilityWorkflow.check(unitAdmin, 'SUSPENDED', 'LISTED', {}).to).toBe('LISTED');
    expect(facilityWorkflow.check(unitAdmin, 'LISTED', 'SUSPENDED', { reason: '设备检修' }).to).toBe('SUSPENDED');
    expect(refusal(() => facilityWorkflow.check(unitAdmin, 'LISTED', 'SUSPENDED', {}))).toEqual(reasonRequired);
    for (const from of ['SUBMITTED', 'RETURNED', 'LISTED', 'SUSPENDED'] as const) {
      expect(refusal(() => facilityWorkflow.check(unitAdmin, from, 'WITHDRAWN', { reason: ' ' }))).toEqual(reasonRequired);
      expect(facilityWorkflow.check(unitAdmin, from, 'WITHDRAWN', { reason: '场地收回' }).to).toBe('WITHDRAWN');
    }
    expect(refusal(() => facilityWorkflow.check(worker, 'LISTED', 'SUSPENDED', { reason: '设备检修' }))).toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});

describe('a booking', () => {
  test('its table, and which steps need a reason', () => {
    expect(bookingWorkflow.name).toBe('A booking');
    expect(bookingWorkflow.transitions.map((t) => [t.from, t.to, t.roles, t.requires !== undefined])).toEqual([
      ['PENDING', 'CONFIRMED', UNIT, false],
      ['PENDING', 'DECLINED', UNIT, true],
      ['PENDING', 'CANCELLED', BOOKERS, false],
      ['CONFIRMED', 'CANCELLED', BOOKERS, false],
      ['CONFIRMED', 'CHECKED_IN', UNIT, false],
      ['CONFIRMED', 'NO_SHOW', UNIT, false],
    ]);
  });

  test('the unit approves, declines with a reason, records check-in and no-show', () => {
    expect(bookingWorkflow.check(unitAdmin, 'PENDING', 'CONFIRMED', {}).to).toBe('CONFIRMED');
    expect(refusal(() => bookingWorkflow.check(unitAdmin, 'PENDING', 'DECLINED', {}))).toEqual(reasonRequired);
    expect(bookingWorkflow.check(unitAdmin, 'PENDING', 'DECLINED', { reason: '当日已满' }).to).toBe('DECLINED');
    expect(bookingWorkflow.check(unitAdmin, 'CONFIRMED', 'CHECKED_IN', {}).to).toBe('CHECKED_IN');
    expect(bookingWorkflow.check(unitAdmin, 'CONFIRMED', 'NO_SHOW', {}).to).toBe('NO_SHOW');
    expect(refusal(() => bookingWorkflow.check(resident, 'PENDING', 'CONFIRMED', {}))).toEqual({
      code: 'FORBIDDEN',
      message: 'A booking: PENDING → CONFIRMED is for UNIT_ADMIN.',
    });
  });

  test('bookers cancel without a reason; the unit may not cancel through this table', () => {
    expect(bookingWorkflow.check(resident, 'PENDING', 'CANCELLED', {}).to).toBe('CANCELLED');
    expect(bookingWorkflow.check(orgAdmin, 'CONFIRMED', 'CANCELLED', {}).to).toBe('CANCELLED');
    expect(refusal(() => bookingWorkflow.check(unitAdmin, 'CONFIRMED', 'CANCELLED', {}))).toMatchObject({ code: 'FORBIDDEN' });
    expect(refusal(() => bookingWorkflow.check(resident, 'CHECKED_IN', 'CANCELLED', {}))).toMatchObject({
      code: 'INVALID_TRANSITION',
      from: 'CHECKED_IN',
      to: 'CANCELLED',
    });
  });
});
