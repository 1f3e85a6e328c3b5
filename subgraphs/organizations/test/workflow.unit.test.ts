import type { Role } from '../../../lib/kernel/auth';
import { viewer } from '../../../test/support/tokens';
import { organizationStatus } from '../src/workflow';

/** The status workflow table, transition by transition: who may take each step and what it needs. */

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
const authority = viewer({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510108000000' });
const PAIRS = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as const));

const codeOf = (run: () => unknown): unknown => {
  try {
    run();
    return 'allowed';
  } catch (error) {
    return (error as { extensions?: { code?: string } }).extensions?.code;
  }
};

test.each(PAIRS)('the authority with a reason: %s → %s', (from, to) => {
  const outcome = codeOf(() => organizationStatus.check(authority, from, to, { reason: '年检不合格' }));
  expect(outcome).toBe(ALLOWED.has(`${from}>${to}`) ? 'allowed' : 'INVALID_TRANSITION');
});

test.each([...ALLOWED].map((pair) => pair.split('>') as [(typeof STATUSES)[number], (typeof STATUSES)[number]]))(
  '%s → %s is refused without a reason, to anyone but the authority, and to anonymous callers',
  (from, to) => {
    expect(codeOf(() => organizationStatus.check(authority, from, to, { reason: '  ' }))).toBe('BAD_USER_INPUT');
    for (const role of ['ORG_ADMIN', 'STREET_OFFICER', 'RESIDENT'] as Role[]) {
      expect(codeOf(() => organizationStatus.check(viewer({ roles: [role], area: '510108000000' }), from, to, { reason: 'x' }))).toBe(
        'FORBIDDEN',
      );
    }
    expect(codeOf(() => organizationStatus.check({ anonymous: true }, from, to, { reason: 'x' }))).toBe('UNAUTHENTICATED');
  },
);

test('DEREGISTERED is final, and the refusal says where a status can go', () => {
  expect(organizationStatus.next('DEREGISTERED')).toEqual([]);
  expect(() => organizationStatus.check(authority, 'REVOKED', 'ABNORMAL', { reason: 'x' })).toThrow(
    'An organisation cannot go from REVOKED to ABNORMAL; from REVOKED it can go to ACTIVE, DEREGISTERED.',
  );
});
