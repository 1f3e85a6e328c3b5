import { viewer } from '../../../test/support/tokens';
import { refusal } from '../../../test/support/refusal';
import { contractWorkflow, PURCHASER_ROLES, tenderWorkflow } from '../src/workflow';

/** A tender's and a contract's tables: each step, who may take it and what it needs. */

const officer = viewer({ roles: ['PROCUREMENT_OFFICER'], area: '510104000000' });
const district = viewer({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510104000000' });

describe('a tender', () => {
  test('its table: awarded, unsuccessful or cancelled, by purchasers', () => {
    expect(tenderWorkflow.name).toBe('A tender');
    expect(tenderWorkflow.transitions.map((t) => [t.from, t.to, t.roles])).toEqual([
      ['ACTIVE', 'AWARDED', PURCHASER_ROLES],
      ['ACTIVE', 'UNSUCCESSFUL', PURCHASER_ROLES],
      ['ACTIVE', 'CANCELLED', PURCHASER_ROLES],
    ]);
    expect(tenderWorkflow.check(officer, 'ACTIVE', 'AWARDED', {}).to).toBe('AWARDED');
    expect(tenderWorkflow.check(officer, 'ACTIVE', 'UNSUCCESSFUL', {}).to).toBe('UNSUCCESSFUL');
    expect(refusal(() => tenderWorkflow.check(district, 'ACTIVE', 'AWARDED', {}))).toEqual({
      code: 'FORBIDDEN',
      message: 'A tender: ACTIVE → AWARDED is for PROCUREMENT_OFFICER, CITY_ADMIN.',
    });
    expect(refusal(() => tenderWorkflow.check(officer, 'AWARDED', 'CANCELLED', { reason: 'r' }))).toMatchObject({
      code: 'INVALID_TRANSITION',
    });
  });

  test('a cancellation needs a reason', () => {
    for (const reason of [undefined, null, ' ']) {
      expect(refusal(() => tenderWorkflow.check(officer, 'ACTIVE', 'CANCELLED', { reason }))).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'input.reason',
        message: 'A reason is required for this step.',
      });
    }
    expect(tenderWorkflow.check(officer, 'ACTIVE', 'CANCELLED', { reason: '预算调整' }).to).toBe('CANCELLED');
  });
});

describe('a contract', () => {
  const terminationReason = { code: 'BAD_USER_INPUT', field: 'input.reason', message: 'A termination reason is required for this step.' };

  test('its table: signed, completed or terminated, by purchasers', () => {
    expect(contractWorkflow.name).toBe('A contract');
    expect(contractWorkflow.transitions.map((t) => [t.from, t.to, t.roles])).toEqual([
      ['PENDING', 'ACTIVE', PURCHASER_ROLES],
      ['PENDING', 'TERMINATED', PURCHASER_ROLES],
      ['ACTIVE', 'COMPLETED', PURCHASER_ROLES],
      ['ACTIVE', 'TERMINATED', PURCHASER_ROLES],
    ]);
    expect(contractWorkflow.check(officer, 'PENDING', 'ACTIVE', {}).to).toBe('ACTIVE');
    expect(contractWorkflow.check(officer, 'ACTIVE', 'COMPLETED', {}).to).toBe('COMPLETED');
    expect(refusal(() => contractWorkflow.check(district, 'ACTIVE', 'COMPLETED', {}))).toMatchObject({ code: 'FORBIDDEN' });
  });

  test('a termination, signed or not, needs a reason', () => {
    for (const from of ['PENDING', 'ACTIVE'] as const) {
      expect(refusal(() => contractWorkflow.check(officer, from, 'TERMINATED', {}))).toEqual(terminationReason);
      expect(refusal(() => contractWorkflow.check(officer, from, 'TERMINATED', { reason: '  ' }))).toEqual(terminationReason);
      expect(contractWorkflow.check(officer, from, 'TERMINATED', { reason: '服务未达标' }).to).toBe('TERMINATED');
    }
  });
});
