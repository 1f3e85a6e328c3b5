import { canTransition, STATUS_TRANSITIONS } from '../src/status';

/** The status workflow table, pair by pair. */

const STATUSES = ['ACTIVE', 'ABNORMAL', 'REVOKED', 'DEREGISTERED'] as const;
const ALLOWED = new Set([
  'ACTIVE>ABNORMAL',
  'ABNORMAL>ACTIVE',
  'ACTIVE>REVOKED',
  'ABNORMAL>REVOKED',
  'REVOKED>ACTIVE',
  'ACTIVE>DEREGISTERED',
  'ABNORMAL>DEREGISTERED',
  'REVOKED>DEREGISTERED',
]);

test.each(STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as const)))('%s → %s', (from, to) => {
  expect(canTransition(from, to)).toBe(ALLOWED.has(`${from}>${to}`));
});

test('DEREGISTERED is final', () => {
  expect(STATUS_TRANSITIONS.DEREGISTERED).toEqual([]);
});
