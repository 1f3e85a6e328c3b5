import type { Viewer } from '../../../lib/kernel/auth';
import { buildTestSubgraph, type TestSubgraph } from '../../../test/support/graph';
import { viewer } from '../../../test/support/tokens';
import {
  chengduAdmin,
  firstError,
  freshCreditCode,
  JINJIANG,
  jinjiangCivilAffairs,
  organizationVersion,
  orgAdmin,
  qingyangCivilAffairs,
  register,
  rowCounts,
} from './support';

/** The workflows: status changes with their history, evaluation grades, annual reports. */

let sub: TestSubgraph;
beforeAll(async () => {
  sub = await buildTestSubgraph('organizations');
});
afterAll(async () => {
  await sub?.close();
});

const CHANGE_STATUS = `mutation ($input: ChangeOrganizationStatusInput!) {
  changeOrganizationStatus(input: $input) { organization { status version } change { from to reason actor } }
}`;

const STATUSES = ['ACTIVE', 'ABNORMAL', 'REVOKED', 'DEREGISTERED'] as const;
type Status = (typeof STATUSES)[number];
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

async function changeStatus(
  id: string,
  to: Status,
  reason = `理由：${to}`,
  caller: Viewer = jinjiangCivilAffairs,
  expectedVersion?: number,
) {
  return sub.execute(
    CHANGE_STATUS,
    { input: { id, to, reason, expectedVersion: expectedVersion ?? (await organizationVersion(sub, id)) } },
    caller,
  );
}

async function history(id: string) {
  const { data } = await sub.execute(
    'query ($id: ID!) { organization(id: $id) { statusHistory { from to reason actor } } }',
    { id },
    jinjiangCivilAffairs,
  );
  return data?.organization.statusHistory as { from: Status | null; to: Status; reason: string; actor: string }[];
}

describe('changeOrganizationStatus', () => {
  test.each(STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as const)))('%s → %s', async (from, to) => {
    const organization = await register(sub, { name: `状态测试服务中心${from}${to}` });
    if (from !== 'ACTIVE') expect((await changeStatus(organization.id, from)).errors).toBeUndefined();
    const before = await rowCounts(sub);
    const result = await changeStatus(organization.id, to, '年检结论');
    if (ALLOWED.has(`${from}>${to}`)) {
      expect(result.errors).toBeUndefined();
      expect(result.data?.changeOrganizationStatus).toEqual({
        organization: { status: to, version: from === 'ACTIVE' ? 2 : 3 },
        change: { from, to, reason: '年检结论', actor: 'civil-affairs-jinjiang' },
      });
      expect(await rowCounts(sub)).toEqual({ ...before, statusChanges: before.statusChanges + 1, auditEvents: before.auditEvents + 1 });
      const recorded = await history(organization.id);
      expect(recorded.at(-1)).toEqual({ from, to, reason: '年检结论', actor: 'civil-affairs-jinjiang' });
      expect(recorded).toHaveLength(from === 'ACTIVE' ? 2 : 3);
    } else {
      expect(firstError(result).extensions).toMatchObject({ code: 'INVALID_TRANSITION', from, to });
      expect(await rowCounts(sub)).toEqual(before);
    }
  });

  test('every change is kept in order; a revoked organisation returns to active only through the authority, with a reason', async () => {
    const organization = await register(sub, { name: '锦江区晋阳街道社会工作服务站' });
    expect((await changeStatus(organization.id, 'ABNORMAL', '未按时报送年报')).errors).toBeUndefined();
    expect((await changeStatus(organization.id, 'REVOKED', '连续两年未年检')).errors).toBeUndefined();

    const before = await rowCounts(sub);
    expect(firstError(await changeStatus(organization.id, 'ACTIVE', '请恢复', orgAdmin(organization.id))).extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect(firstError(await changeStatus(organization.id, 'ACTIVE', '请恢复', qingyangCivilAffairs)).extensions?.code).toBe('FORBIDDEN');
    expect(
      firstError(await changeStatus(organization.id, 'ACTIVE', '请恢复', viewer({ roles: ['STREET_OFFICER'], area: JINJIANG }))).extensions
        ?.code,
    ).toBe('FORBIDDEN');
    expect(firstError(await changeStatus(organization.id, 'ACTIVE', '请恢复', { anonymous: true })).extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
    const blank = firstError(await changeStatus(organization.id, 'ACTIVE', '   '));
    expect(blank.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reason' });
    const long = firstError(await changeStatus(organization.id, 'ACTIVE', '理'.repeat(501)));
    expect(long.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reason' });
    expect(firstError(await changeStatus(organization.id, 'ACTIVE', '复核', jinjiangCivilAffairs, 1)).extensions).toMatchObject({
      code: 'CONFLICT',
      field: 'input.expectedVersion',
    });
    expect(await rowCounts(sub)).toEqual(before);

    expect((await changeStatus(organization.id, 'ACTIVE', '行政复议撤销原决定', chengduAdmin, 3)).errors).toBeUndefined();
    expect(await history(organization.id)).toEqual([
      { from: null, to: 'ACTIVE', reason: 'Registered.', actor: 'civil-affairs-jinjiang' },
      { from: 'ACTIVE', to: 'ABNORMAL', reason: '未按时报送年报', actor: 'civil-affairs-jinjiang' },
      { from: 'ABNORMAL', to: 'REVOKED', reason: '连续两年未年检', actor: 'civil-affairs-jinjiang' },
      { from: 'REVOKED', to: 'ACTIVE', reason: '行政复议撤销原决定', actor: 'city-admin' },
    ]);
    const audit = await sub.database.query<{ action: string; reason: string; before: unknown; after: unknown }>(
      `SELECT action, reason, before, after FROM organizations.audit_event WHERE entity_id = $1 AND action = 'CHANGE_STATUS' ORDER BY id`,
      [organization.id],
    );
    expect(audit.map((row) => [row.reason, row.before, row.after])).toEqual([
      ['未按时报送年报', { status: 'ACTIVE' }, { status: 'ABNORMAL' }],
      ['连续两年未年检', { status: 'ABNORMAL' }, { status: 'REVOKED' }],
      ['行政复议撤销原决定', { status: 'REVOKED' }, { status: 'ACTIVE' }],
    ]);
  });

  test('a deregistered organisation’s profile is closed', async () => {
    const organization = await register(sub, { name: '锦江区已注销服务中心' });
    await changeStatus(organization.id, 'DEREGISTERED', '完成清算');
    const error = firstError(
      await sub.execute(
        'mutation ($input: UpdateOrganizationProfileInput!) { updateOrganizationProfile(input: $input) { organization { id } } }',
        {
          input: { id: organization.id, staffCount: 1, expectedVersion: await organizationVersion(sub, organization.id) },
        },
        jinjiangCivilAffairs,
      ),
    );
    expect(error.extensions?.code).toBe('CONFLICT');
  });
});

describe('recordEvaluationGrade', () => {
  const RECORD = `mutation ($input: RecordEvaluationGradeInput!) {
    recordEvaluationGrade(input: $input) { organization { version evaluation { grade awardedOn validUntil current } } }
  }`;
  let agency: { id: string };
  beforeAll(async () => {
    agency = await register(sub, { name: '锦江区春晖长者照护中心' });
  });

  test('the registering authority records a grade with its validity', async () => {
    const { data, errors } = await sub.execute(
      RECORD,
      {
        input: {
          organizationId: agency.id,
          expectedVersion: await organizationVersion(sub, agency.id),
          grade: 'GRADE_4A',
          awardedOn: '2024-03-01',
          validUntil: '2029-03-01',
        },
      },
      jinjiangCivilAffairs,
    );
    expect(errors).toBeUndefined();
    expect(data?.recordEvaluationGrade.organization).toEqual({
      version: 2,
      evaluation: { grade: 'GRADE_4A', awardedOn: '2024-03-01', validUntil: '2029-03-01', current: true },
    });
    const expired = await sub.execute(
      RECORD,
      {
        input: {
          organizationId: agency.id,
          expectedVersion: await organizationVersion(sub, agency.id),
          grade: 'GRADE_3A',
          awardedOn: '2019-01-01',
          validUntil: '2024-01-01',
        },
      },
      jinjiangCivilAffairs,
    );
    expect(expired.data?.recordEvaluationGrade.organization.evaluation).toMatchObject({ grade: 'GRADE_3A', current: false });
  });

  test.each([
    ['awardedOn', { awardedOn: '2999-01-01', validUntil: '2999-06-01' }, /in the future/],
    ['validUntil', { awardedOn: '2024-01-01', validUntil: '2024-01-01' }, /after the day it was awarded/],
    ['validUntil', { awardedOn: '2024-01-01', validUntil: '2029-01-02' }, /at most 5 years/],
  ])('a bad input.%s is BAD_USER_INPUT and writes nothing', async (field, dates, message) => {
    const before = await rowCounts(sub);
    const error = firstError(
      await sub.execute(RECORD, { input: { organizationId: agency.id, grade: 'GRADE_2A', ...dates } }, jinjiangCivilAffairs),
    );
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: `input.${field}` });
    expect(error.message).toMatch(message);
    expect(await rowCounts(sub)).toEqual(before);
  });

  test('only social organisations are graded, only while active, only by the authority', async () => {
    const developer = await register(sub, {
      name: '成都锦城置业有限公司',
      kind: 'ENTERPRISE',
      creditCode: freshCreditCode('91'),
      categories: [],
    });
    const input = { grade: 'GRADE_3A', awardedOn: '2024-01-01', validUntil: '2028-01-01' };
    const notSocial = firstError(
      await sub.execute(
        RECORD,
        { input: { ...input, organizationId: developer.id, expectedVersion: await organizationVersion(sub, developer.id) } },
        jinjiangCivilAffairs,
      ),
    );
    expect(notSocial.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.organizationId' });
    expect(
      firstError(
        await sub.execute(
          RECORD,
          { input: { ...input, organizationId: agency.id, expectedVersion: await organizationVersion(sub, agency.id) } },
          orgAdmin(agency.id),
        ),
      ).extensions?.code,
    ).toBe('FORBIDDEN');
    expect(
      firstError(
        await sub.execute(
          RECORD,
          { input: { ...input, organizationId: agency.id, expectedVersion: await organizationVersion(sub, agency.id) } },
          viewer({ roles: ['EVALUATOR'], area: JINJIANG }),
        ),
      ).extensions?.code,
    ).toBe('FORBIDDEN');
    const revoked = await register(sub, { name: '锦江区被撤销服务中心' });
    await changeStatus(revoked.id, 'REVOKED', '撤销登记');
    expect(
      firstError(
        await sub.execute(
          RECORD,
          { input: { ...input, organizationId: revoked.id, expectedVersion: await organizationVersion(sub, revoked.id) } },
          jinjiangCivilAffairs,
        ),
      ).extensions?.code,
    ).toBe('CONFLICT');
  });
});

describe('annual reports', () => {
  const FILE = `mutation ($input: FileAnnualReportInput!) {
    fileAnnualReport(input: $input) { report { year totalIncome { amount currency } governmentPurchaseIncome { amount } expenditure { amount } locked } }
  }`;
  const LOCK = 'mutation ($input: LockAnnualReportInput!) { lockAnnualReport(input: $input) { report { year locked lockedAt } } }';
  const figures = { totalIncome: '1250000.5', governmentPurchaseIncome: '800000', expenditure: '1100000.25' };
  let organization: { id: string };
  beforeAll(async () => {
    organization = await register(sub, { name: '锦江区益友社会工作服务中心', registrationDate: '2019-06-01' });
  });

  test('the organisation files, corrects while unlocked, and the authority locks', async () => {
    const admin = orgAdmin(organization.id);
    const filed = await sub.execute(FILE, { input: { organizationId: organization.id, year: 2024, ...figures } }, admin);
    expect(filed.errors).toBeUndefined();
    expect(filed.data?.fileAnnualReport.report).toEqual({
      year: 2024,
      totalIncome: { amount: '1250000.50', currency: 'CNY' },
      governmentPurchaseIncome: { amount: '800000.00' },
      expenditure: { amount: '1100000.25' },
      locked: false,
    });
    const corrected = await sub.execute(
      FILE,
      { input: { organizationId: organization.id, year: 2024, ...figures, expenditure: '1200000.00' } },
      admin,
    );
    expect(corrected.data?.fileAnnualReport.report.expenditure).toEqual({ amount: '1200000.00' });
    const [{ count }] = (await sub.database.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM organizations.annual_report WHERE organization_id = $1',
      [organization.id],
    )) as [{ count: number }];
    expect(count).toBe(1);

    expect(firstError(await sub.execute(LOCK, { input: { organizationId: organization.id, year: 2024 } }, admin)).extensions?.code).toBe(
      'FORBIDDEN',
    );
    const locked = await sub.execute(LOCK, { input: { organizationId: organization.id, year: 2024 } }, jinjiangCivilAffairs);
    expect(locked.errors).toBeUndefined();
    expect(locked.data?.lockAnnualReport.report).toMatchObject({ year: 2024, locked: true });
    expect(
      firstError(await sub.execute(LOCK, { input: { organizationId: organization.id, year: 2024 } }, jinjiangCivilAffairs)).extensions
        ?.code,
    ).toBe('CONFLICT');
    expect(
      firstError(await sub.execute(LOCK, { input: { organizationId: organization.id, year: 2023 } }, jinjiangCivilAffairs)).extensions
        ?.code,
    ).toBe('NOT_FOUND');

    const before = await rowCounts(sub);
    const refused = firstError(await sub.execute(FILE, { input: { organizationId: organization.id, year: 2024, ...figures } }, admin));
    expect(refused.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.year' });
    expect(await rowCounts(sub)).toEqual(before);

    const audit = await sub.database.query<{ action: string }>(
      'SELECT action FROM organizations.audit_event WHERE entity_id = $1 ORDER BY id',
      [`${organization.id}/2024`],
    );
    expect(audit.map((row) => row.action)).toEqual(['FILE', 'CORRECT', 'LOCK']);

    const { data } = await sub.execute(
      'query ($id: ID!) { organization(id: $id) { annualReports { year locked } } }',
      { id: organization.id },
      admin,
    );
    expect(data?.organization.annualReports).toEqual([{ year: 2024, locked: true }]);
  });

  test('only the organisation itself files', async () => {
    const input = { organizationId: organization.id, year: 2023, ...figures };
    expect(firstError(await sub.execute(FILE, { input }, jinjiangCivilAffairs)).extensions?.code).toBe('FORBIDDEN');
    expect(firstError(await sub.execute(FILE, { input }, orgAdmin('00000000-0000-4000-8000-000000000000'))).extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect(firstError(await sub.execute(FILE, { input })).extensions?.code).toBe('UNAUTHENTICATED');
  });

  test.each([
    ['year', { year: 2999 }, /registration year 2019/],
    ['year', { year: 2018 }, /registration year 2019/],
    ['totalIncome', { totalIncome: '-1.00' }, /decimal yuan/],
    ['totalIncome', { totalIncome: '1.234' }, /decimal yuan/],
    ['totalIncome', { totalIncome: '123456789012345' }, /14 integer digits/],
    ['governmentPurchaseIncome', { governmentPurchaseIncome: '2000000' }, /cannot exceed/],
    ['governmentPurchaseIncome', { governmentPurchaseIncome: '1e5' }, /decimal yuan/],
    ['expenditure', { expenditure: '12,000' }, /decimal yuan/],
  ])('a bad input.%s is BAD_USER_INPUT and writes nothing', async (field, override, message) => {
    const before = await rowCounts(sub);
    const error = firstError(
      await sub.execute(
        FILE,
        { input: { organizationId: organization.id, year: 2023, ...figures, ...override } },
        orgAdmin(organization.id),
      ),
    );
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: `input.${field}` });
    expect(error.message).toMatch(message);
    expect(await rowCounts(sub)).toEqual(before);
  });
});
