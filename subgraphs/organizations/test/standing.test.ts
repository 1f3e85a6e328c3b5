import type { Viewer } from '../../../lib/kernel/auth';
import { buildTestSubgraph, type TestSubgraph } from '../../../test/support/graph';
import { viewer } from '../../../test/support/tokens';
import { chengduAdmin, firstError, JINJIANG, jinjiangCivilAffairs, orgAdmin, qingyangCivilAffairs, register } from './support';

/**
 * The credit records through the subgraph: the authority lists, removes, penalises and records
 * inspections; every refusal names its code, field and rule and leaves nothing behind; every
 * write leaves its audit event; standing reads the records for any instant.
 */

let sub: TestSubgraph;
beforeAll(async () => {
  sub = await buildTestSubgraph('organizations');
});
afterAll(async () => {
  await sub?.close();
});

const LIST = `mutation ($input: RecordListingInput!) {
  recordListing(input: $input) { entry { id list state listedOn reason authority documentNumber removedOn version } organization { id } }
}`;
const REMOVE = `mutation ($input: RecordRemovalInput!) {
  recordRemoval(input: $input) { entry { id state removedOn removalDocumentNumber removalReason version } }
}`;
const PENALISE = `mutation ($input: RecordPenaltyInput!) { recordPenalty(input: $input) { penalty { id kind inForceFrom inForceUntil documentNumber } } }`;
const INSPECT = `mutation ($input: RecordAnnualInspectionInput!) { recordAnnualInspection(input: $input) { inspection { year result version } } }`;
const STANDING = `query ($id: ID!, $asOf: DateTime) {
  organization(id: $id) { standing(asOf: $asOf) { onDay listed lists listings { id state documentNumber } penaltiesInForce { documentNumber } latestInspection { year result } } }
}`;

function listing(organizationId: string, overrides: Record<string, unknown> = {}) {
  return {
    organizationId,
    list: 'ABNORMAL_ACTIVITY',
    listedOn: '2025-03-10',
    reason: '未按规定参加2024年度年检',
    authority: '成都市锦江区民政局',
    documentNumber: '锦民异〔2025〕3号',
    ...overrides,
  };
}

async function list(organizationId: string, overrides: Record<string, unknown> = {}) {
  const result = await sub.execute(LIST, { input: listing(organizationId, overrides) }, jinjiangCivilAffairs);
  expect(result.errors).toBeUndefined();
  return result.data!.recordListing.entry as { id: string; version: number };
}

async function standing(id: string, asOf?: string) {
  const result = await sub.execute(STANDING, { id, asOf }, { anonymous: true });
  expect(result.errors).toBeUndefined();
  return result.data!.organization.standing;
}

async function counts() {
  const [row] = await sub.database.query<{ entries: number; removed: number; penalties: number; inspections: number; audits: number }>(
    `SELECT (SELECT count(*)::int FROM organizations.list_entry) AS entries, (SELECT count(*)::int FROM organizations.list_entry WHERE removed_on IS NOT NULL) AS removed,
            (SELECT count(*)::int FROM organizations.penalty) AS penalties, (SELECT count(*)::int FROM organizations.annual_inspection) AS inspections,
            (SELECT count(*)::int FROM organizations.audit_event) AS audits`,
  );
  return row!;
}

function audits(entityId: string) {
  return sub.database.query<{ action: string; actor: string; before: unknown; after: Record<string, unknown> }>(
    'SELECT action, actor, before, after FROM organizations.audit_event WHERE entity_id = $1 ORDER BY id',
    [entityId],
  );
}

describe('listing and removal', () => {
  test('listed, then removed by a dated document: the entry stays, and standing reads it day by day', async () => {
    const organization = await register(sub, { name: '锦江区信用记录测试服务中心' });
    const before = await counts();
    const entry = await list(organization.id);
    expect(await counts()).toEqual({ ...before, entries: before.entries + 1, audits: before.audits + 1 });
    expect(await audits(entry.id)).toEqual([
      expect.objectContaining({
        action: 'LIST',
        actor: 'civil-affairs-jinjiang',
        after: expect.objectContaining({ list: 'ABNORMAL_ACTIVITY', documentNumber: '锦民异〔2025〕3号' }),
      }),
    ]);

    const removed = await sub.execute(
      REMOVE,
      {
        input: {
          entryId: entry.id,
          expectedVersion: 1,
          removedOn: '2025-06-01',
          documentNumber: '锦民移〔2025〕1号',
          reason: '已补报年检材料',
        },
      },
      jinjiangCivilAffairs,
    );
    expect(removed.errors).toBeUndefined();
    expect(removed.data!.recordRemoval.entry).toEqual({
      id: entry.id,
      state: 'REMOVED',
      removedOn: '2025-06-01',
      removalDocumentNumber: '锦民移〔2025〕1号',
      removalReason: '已补报年检材料',
      version: 2,
    });
    expect(await counts()).toEqual({ ...before, entries: before.entries + 1, removed: before.removed + 1, audits: before.audits + 2 });
    expect((await audits(entry.id)).map((event) => event.action)).toEqual(['LIST', 'REMOVE']);

    // Asia/Shanghai: 2025-03-09T16:00Z is 2025-03-10 00:00 in the city, the listing's first day.
    expect(await standing(organization.id, '2025-03-09T15:59:59Z')).toMatchObject({ onDay: '2025-03-09', listed: false, lists: [] });
    expect(await standing(organization.id, '2025-03-09T16:00:00Z')).toMatchObject({
      onDay: '2025-03-10',
      listed: true,
      lists: ['ABNORMAL_ACTIVITY'],
      listings: [{ id: entry.id, state: 'LISTED', documentNumber: '锦民异〔2025〕3号' }],
    });
    expect(await standing(organization.id, '2025-05-31T23:00:00+08:00')).toMatchObject({ listed: true });
    expect(await standing(organization.id, '2025-06-01T00:00:00+08:00')).toMatchObject({ listed: false, listings: [] });
    expect(await standing(organization.id)).toMatchObject({ listed: false });

    // Listed again: a new entry, the old one kept.
    const again = await list(organization.id, { listedOn: '2025-09-01', documentNumber: '锦民异〔2025〕9号' });
    const history = await sub.execute('query ($id: ID!) { organization(id: $id) { listEntries { id state } } }', { id: organization.id });
    expect(history.data!.organization.listEntries).toEqual([
      { id: entry.id, state: 'REMOVED' },
      { id: again.id, state: 'LISTED' },
    ]);
  });

  test('refusals name their code, field and rule, and leave nothing behind', async () => {
    const organization = await register(sub, { name: '锦江区拒绝测试服务中心' });
    const entry = await list(organization.id);
    const before = await counts();
    const remove = (input: Record<string, unknown>, caller: Viewer = jinjiangCivilAffairs) =>
      sub.execute(
        REMOVE,
        { input: { entryId: entry.id, expectedVersion: 1, removedOn: '2025-06-01', documentNumber: '锦民移〔2025〕2号', ...input } },
        caller,
      );

    expect(firstError(await sub.execute(LIST, { input: listing(organization.id) }, jinjiangCivilAffairs)).extensions).toMatchObject({
      code: 'CONFLICT',
      field: 'input.list',
      rule: 'ALREADY_ON_LIST',
    });
    expect(firstError(await remove({ removedOn: '2025-03-09' })).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.removedOn',
      rule: 'REMOVAL_BEFORE_LISTING',
    });
    expect(firstError(await remove({ removedOn: '2099-01-01' })).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.removedOn',
      rule: 'DATE_NOT_IN_FUTURE',
    });
    expect(firstError(await remove({ documentNumber: '  ' })).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.documentNumber',
    });
    expect(firstError(await remove({ expectedVersion: 7 })).extensions).toMatchObject({
      code: 'CONFLICT',
      field: 'input.expectedVersion',
      rule: 'EXPECTED_VERSION',
    });
    expect(firstError(await remove({}, qingyangCivilAffairs)).extensions?.code).toBe('FORBIDDEN');
    expect(firstError(await remove({}, orgAdmin(organization.id))).extensions?.code).toBe('FORBIDDEN');
    expect(firstError(await remove({}, viewer({ roles: ['STREET_OFFICER'], area: JINJIANG }))).extensions?.code).toBe('FORBIDDEN');
    expect(firstError(await remove({}, { anonymous: true })).extensions?.code).toBe('UNAUTHENTICATED');
    expect(
      firstError(
        await sub.execute(
          REMOVE,
          { input: { entryId: '00000000-0000-4000-8000-000000000000', expectedVersion: 1, removedOn: '2025-06-01', documentNumber: 'x' } },
          jinjiangCivilAffairs,
        ),
      ).extensions?.code,
    ).toBe('NOT_FOUND');
    for (const [field, value, rule] of [
      ['listedOn', '2099-01-01', 'DATE_NOT_IN_FUTURE'],
      ['reason', ' ', 'REQUIRED_TEXT'],
      ['authority', '局'.repeat(101), 'TEXT_TOO_LONG'],
      ['documentNumber', '', 'REQUIRED_TEXT'],
    ] as const) {
      const result = await sub.execute(
        LIST,
        { input: listing(organization.id, { list: 'SERIOUS_VIOLATION', [field]: value }) },
        jinjiangCivilAffairs,
      );
      expect(firstError(result).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: `input.${field}`, rule });
    }
    expect(await counts()).toEqual(before);

    // The city administrator removes it; a second removal is refused by the state machine.
    expect((await remove({}, chengduAdmin)).errors).toBeUndefined();
    const twice = firstError(await remove({ expectedVersion: 2 }));
    expect(twice.extensions).toMatchObject({
      code: 'INVALID_TRANSITION',
      from: 'REMOVED',
      to: 'REMOVED',
      field: 'input.entryId',
      rule: 'LISTING_ALREADY_REMOVED',
    });
  });

  test('two listings of one body on one list at the same moment: one entry, the other refused', async () => {
    const organization = await register(sub, { name: '锦江区并发列入测试服务中心' });
    const results = await Promise.all(
      [1, 2, 3].map((n) =>
        sub.execute(LIST, { input: listing(organization.id, { documentNumber: `锦民异〔2025〕${n}0号` }) }, jinjiangCivilAffairs),
      ),
    );
    expect(results.filter((result) => !result.errors)).toHaveLength(1);
    for (const refused of results.filter((result) => result.errors))
      expect(firstError(refused).extensions).toMatchObject({ code: 'CONFLICT', rule: 'ALREADY_ON_LIST' });
    const [row] = await sub.database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM organizations.list_entry WHERE organization_id = $1',
      [organization.id],
    );
    expect(row!.n).toBe(1);
  });

  test('two removals of one entry at the same moment: one recorded, the other refused', async () => {
    const organization = await register(sub, { name: '锦江区并发移出测试服务中心' });
    const entry = await list(organization.id);
    const results = await Promise.all(
      ['2025-06-01', '2025-06-02'].map((removedOn, n) =>
        sub.execute(
          REMOVE,
          { input: { entryId: entry.id, expectedVersion: 1, removedOn, documentNumber: `锦民移〔2025〕${n}号` } },
          jinjiangCivilAffairs,
        ),
      ),
    );
    expect(results.filter((result) => !result.errors)).toHaveLength(1);
    expect(firstError(results.find((result) => result.errors)!).extensions?.code).toBe('CONFLICT');
    expect((await audits(entry.id)).map((event) => event.action)).toEqual(['LIST', 'REMOVE']);
  });

  test('the database refuses a removal without its document, before its listing, or a second open entry', async () => {
    const organization = await register(sub, { name: '锦江区约束测试服务中心' });
    const entry = await list(organization.id);
    const attempt = (sql: string) =>
      sub.database.query(sql, [entry.id]).then(
        () => 'written',
        (error: Error) => error.message,
      );
    expect(
      await attempt(
        `UPDATE organizations.list_entry SET removed_on = '2025-06-01', removed_by = 'x', removal_recorded_at = now() WHERE id = $1`,
      ),
    ).toMatch(/list_entry_removal_whole/);
    expect(
      await attempt(
        `UPDATE organizations.list_entry SET removed_on = '2025-03-09', removal_document_number = 'x', removed_by = 'x', removal_recorded_at = now() WHERE id = $1`,
      ),
    ).toMatch(/list_entry_removed_after_listed/);
    expect(
      await attempt(`INSERT INTO organizations.list_entry (id, organization_id, list, listed_on, reason, authority, document_number, recorded_by)
                     SELECT gen_random_uuid(), organization_id, list, listed_on, reason, authority, 'y', 'x' FROM organizations.list_entry WHERE id = $1`),
    ).toMatch(/list_entry_one_open_per_list/);
  });
});

describe('penalties and inspections', () => {
  const penalty = (organizationId: string, overrides: Record<string, unknown> = {}) => ({
    organizationId,
    decidedOn: '2025-04-01',
    authority: '成都市锦江区民政局',
    documentNumber: `锦民罚〔2025〕${Math.random().toString(36).slice(2, 8)}号`,
    kind: 'FINE',
    penalty: '罚款人民币5000元',
    reason: '违反规定收取费用',
    inForceUntil: '2026-03-31',
    ...overrides,
  });

  test('a penalty is in force from its first to its last day, and the same decision is recorded once', async () => {
    const organization = await register(sub, { name: '锦江区处罚测试服务中心' });
    const input = penalty(organization.id);
    const recorded = await sub.execute(PENALISE, { input }, jinjiangCivilAffairs);
    expect(recorded.errors).toBeUndefined();
    expect(recorded.data!.recordPenalty.penalty).toMatchObject({ kind: 'FINE', inForceFrom: '2025-04-01', inForceUntil: '2026-03-31' });
    expect((await audits(recorded.data!.recordPenalty.penalty.id)).map((event) => event.action)).toEqual(['RECORD_PENALTY']);
    expect((await standing(organization.id, '2025-03-31T12:00:00+08:00')).penaltiesInForce).toEqual([]);
    expect((await standing(organization.id, '2025-04-01T00:00:00+08:00')).penaltiesInForce).toEqual([
      { documentNumber: input.documentNumber },
    ]);
    expect((await standing(organization.id, '2026-03-31T23:59:59+08:00')).penaltiesInForce).toHaveLength(1);
    expect((await standing(organization.id, '2026-04-01T00:00:00+08:00')).penaltiesInForce).toEqual([]);

    const before = await counts();
    expect(firstError(await sub.execute(PENALISE, { input }, jinjiangCivilAffairs)).extensions).toMatchObject({
      code: 'CONFLICT',
      field: 'input.documentNumber',
      rule: 'PENALTY_ALREADY_RECORDED',
    });
    expect(
      firstError(await sub.execute(PENALISE, { input: penalty(organization.id, { inForceUntil: '2025-03-31' }) }, jinjiangCivilAffairs))
        .extensions,
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.inForceUntil',
      rule: 'IN_FORCE_PERIOD',
    });
    expect(firstError(await sub.execute(PENALISE, { input: penalty(organization.id) }, qingyangCivilAffairs)).extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect(await counts()).toEqual(before);
  });

  test('an inspection is recorded once a year and corrected only with its version', async () => {
    const organization = await register(sub, { name: '锦江区年检测试服务中心' });
    const input = {
      organizationId: organization.id,
      year: 2024,
      result: 'BASICALLY_QUALIFIED',
      concludedOn: '2025-05-20',
      authority: '成都市锦江区民政局',
    };
    const first = await sub.execute(INSPECT, { input }, jinjiangCivilAffairs);
    expect(first.data?.recordAnnualInspection.inspection).toEqual({ year: 2024, result: 'BASICALLY_QUALIFIED', version: 1 });

    const before = await counts();
    expect(
      firstError(await sub.execute(INSPECT, { input: { ...input, result: 'QUALIFIED' } }, jinjiangCivilAffairs)).extensions,
    ).toMatchObject({
      code: 'CONFLICT',
      field: 'input.expectedVersion',
      rule: 'INSPECTION_ALREADY_RECORDED',
    });
    expect(
      firstError(await sub.execute(INSPECT, { input: { ...input, expectedVersion: 3 } }, jinjiangCivilAffairs)).extensions,
    ).toMatchObject({ code: 'CONFLICT', rule: 'EXPECTED_VERSION' });
    expect(
      firstError(await sub.execute(INSPECT, { input: { ...input, year: 2023, expectedVersion: 1 } }, jinjiangCivilAffairs)).extensions,
    ).toMatchObject({ code: 'CONFLICT', rule: 'EXPECTED_VERSION' });
    expect(await counts()).toEqual(before);

    const corrected = await sub.execute(INSPECT, { input: { ...input, result: 'QUALIFIED', expectedVersion: 1 } }, jinjiangCivilAffairs);
    expect(corrected.data?.recordAnnualInspection.inspection).toEqual({ year: 2024, result: 'QUALIFIED', version: 2 });
    const trail = await audits(`${organization.id}/2024`);
    expect(trail.map((event) => event.action)).toEqual(['RECORD_INSPECTION', 'CORRECT_INSPECTION']);
    expect(trail[1]!.before).toMatchObject({ result: 'BASICALLY_QUALIFIED', version: 1 });
    expect((await standing(organization.id, '2025-05-19T12:00:00+08:00')).latestInspection).toBeNull();
    expect((await standing(organization.id, '2025-05-20T12:00:00+08:00')).latestInspection).toEqual({ year: 2024, result: 'QUALIFIED' });
  });
});
