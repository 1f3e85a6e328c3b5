import { buildTestSubgraph, type TestSubgraph } from '../../../test/support/graph';
import { jinjiangCivilAffairs, organizationVersion, orgAdmin, register } from './support';

/**
 * The audit trail holds what changed, not only that something did: each event's before and after
 * figures, its actor and its reason (issue 12, item 6: a correction that lost its `before`).
 */

let sub: TestSubgraph;
beforeAll(async () => {
  sub = await buildTestSubgraph('organizations');
});
afterAll(async () => {
  await sub?.close();
});

interface AuditRow {
  action: string;
  actor: string;
  reason: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

function auditTrail(entityId: string): Promise<AuditRow[]> {
  return sub.database.query<AuditRow>(
    'SELECT action, actor, reason, before, after FROM organizations.audit_event WHERE entity_id = $1 ORDER BY id',
    [entityId],
  );
}

test('an annual report filed, corrected and locked keeps each event’s figures: a correction records the figures it replaced', async () => {
  const FILE = 'mutation ($input: FileAnnualReportInput!) { fileAnnualReport(input: $input) { report { year } } }';
  const LOCK = 'mutation ($input: LockAnnualReportInput!) { lockAnnualReport(input: $input) { report { locked } } }';
  const organization = await register(sub, { name: '锦江区审计留痕服务中心', registrationDate: '2019-06-01' });
  const admin = orgAdmin(organization.id);
  const filed = { totalIncome: '1250000.50', governmentPurchaseIncome: '800000.00', expenditure: '1100000.25' };
  const corrected = { ...filed, expenditure: '1200000.00' };
  expect((await sub.execute(FILE, { input: { organizationId: organization.id, year: 2024, ...filed } }, admin)).errors).toBeUndefined();
  expect((await sub.execute(FILE, { input: { organizationId: organization.id, year: 2024, ...corrected } }, admin)).errors).toBeUndefined();
  expect(
    (await sub.execute(LOCK, { input: { organizationId: organization.id, year: 2024 } }, jinjiangCivilAffairs)).errors,
  ).toBeUndefined();

  const [file, correct, lock] = await auditTrail(`${organization.id}/2024`);
  expect(file).toEqual({ action: 'FILE', actor: `admin-${organization.id}`, reason: null, before: null, after: filed });
  expect(correct).toMatchObject({
    action: 'CORRECT',
    actor: `admin-${organization.id}`,
    before: { organizationId: organization.id, year: 2024, ...filed, lockedAt: null },
    after: corrected,
  });
  expect(lock).toEqual({ action: 'LOCK', actor: 'civil-affairs-jinjiang', reason: null, before: null, after: null });
});

test('status changes, grades and profile updates record the values they replaced and the new ones', async () => {
  const organization = await register(sub, { name: '锦江区留痕评估服务中心', staffCount: 8 });
  const CHANGE =
    'mutation ($input: ChangeOrganizationStatusInput!) { changeOrganizationStatus(input: $input) { organization { status } } }';
  const GRADE = 'mutation ($input: RecordEvaluationGradeInput!) { recordEvaluationGrade(input: $input) { organization { version } } }';
  const PROFILE =
    'mutation ($input: UpdateOrganizationProfileInput!) { updateOrganizationProfile(input: $input) { organization { version } } }';
  const grade = {
    organizationId: organization.id,
    expectedVersion: await organizationVersion(sub, organization.id),
    grade: 'GRADE_4A',
    awardedOn: '2024-03-01',
    validUntil: '2029-03-01',
  };
  expect((await sub.execute(GRADE, { input: grade }, jinjiangCivilAffairs)).errors).toBeUndefined();
  const profile = await sub.execute(
    PROFILE,
    {
      input: {
        id: organization.id,
        expectedVersion: await organizationVersion(sub, organization.id),
        staffCount: 12,
        serviceAreaCodes: ['510104001002'],
        reason: '年检更新',
      },
    },
    orgAdmin(organization.id),
  );
  expect(profile.errors).toBeUndefined();
  expect(
    (
      await sub.execute(
        CHANGE,
        {
          input: {
            id: organization.id,
            to: 'ABNORMAL',
            reason: '未按时报送年报',
            expectedVersion: await organizationVersion(sub, organization.id),
          },
        },
        jinjiangCivilAffairs,
      )
    ).errors,
  ).toBeUndefined();

  const [, graded, updated, changed] = await auditTrail(organization.id);
  expect(graded).toMatchObject({
    action: 'RECORD_GRADE',
    actor: 'civil-affairs-jinjiang',
    before: { grade: null, awardedOn: null, validUntil: null },
    after: { grade: 4, awardedOn: '2024-03-01', validUntil: '2029-03-01' },
  });
  expect(updated).toMatchObject({
    action: 'UPDATE_PROFILE',
    reason: '年检更新',
    before: { staffCount: 8, serviceAreaCodes: ['510104001001'] },
    after: { staffCount: 12, serviceAreaCodes: ['510104001002'] },
  });
  expect(changed).toEqual({
    action: 'CHANGE_STATUS',
    actor: 'civil-affairs-jinjiang',
    reason: '未按时报送年报',
    before: { status: 'ACTIVE' },
    after: { status: 'ABNORMAL' },
  });
});
