import { demoOrganizations } from '../../seed/demo-organizations';
import { activeContract, bid, closeTender, eligible, officer, openTender, project } from '../../subgraphs/procurement/test/graph-support';
import { startTestGraph, type TestGraph } from '../support/graph';
import { tokenFor } from '../support/tokens';

/**
 * "Guarded by its version" means it (issue 20): every update and state change whose input has
 * expectedVersion refuses a call without one (BAD_USER_INPUT naming input.expectedVersion) and a
 * stale one (CONFLICT), and neither writes anything. The booking steps are the named exception
 * (the SDL says why) and are not listed here.
 */

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph({ seed: true });
});
afterAll(async () => {
  await graph?.stop();
});

interface Case {
  mutation: string;
  /** The input without expectedVersion. */
  input: () => Promise<Record<string, unknown>>;
  token: () => Promise<string>;
  /** The record as stored, to see that nothing was written. */
  table: string;
  key: () => Promise<[column: string, value: string]>;
}

// One organisation per case: a status change would leave the next case's organisation not active.
const wuhouSocial = demoOrganizations().filter(
  (o) => o.status === 'ACTIVE' && o.role === 'SOCIAL_ORGANIZATION' && o.registrationArea.startsWith('510107'),
);
const [profiled, changed, graded] = [wuhouSocial[0]!, wuhouSocial[1]!, wuhouSocial[2]!];
const authority = () => tokenFor({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510107000000', sub: 'civil-affairs-wuhou' });
let facility: { id: string; unit_id: string } | undefined;
const listedFacility = async () =>
  (facility ??= (
    await graph.database.query<{ id: string; unit_id: string }>(
      `SELECT id::text AS id, unit_id::text AS unit_id FROM facilities.facility WHERE status = 'LISTED' AND community_code LIKE '510107%' ORDER BY id LIMIT 1`,
    )
  )[0]!);
let tender: string | undefined;
const closedTender = async () => {
  if (tender) return tender;
  const id = await openTender(graph, await project(graph));
  for (const [i, org] of eligible('ELDERLY_CARE', 3).entries()) await bid(graph, id, org, `${700000 + i * 1000}.00`);
  await closeTender(graph, id);
  return (tender = id);
};
let contract: string | undefined;
const signedContract = async () => (contract ??= (await activeContract(graph)).contractId);
const bidsOf = async (tenderId: string) =>
  (
    await graph.database.query<{ id: string }>(`SELECT id::text AS id FROM procurement.bid WHERE tender_id = $1::uuid ORDER BY id`, [
      tenderId,
    ])
  ).map((b) => ({ bidId: b.id, qualified: true }));

const CASES: Record<string, Case> = {
  updateCommunity: {
    mutation: 'mutation ($input: UpdateCommunityInput!) { updateCommunity(input: $input) { community { version } } }',
    input: async () => ({ code: '510108001001', households: 4321, reason: '年度核查' }),
    token: () => tokenFor({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510108000000' }),
    table: 'communities.community',
    key: async () => ['code', '510108001001'],
  },
  updateOrganizationProfile: {
    mutation:
      'mutation ($input: UpdateOrganizationProfileInput!) { updateOrganizationProfile(input: $input) { organization { version } } }',
    input: async () => ({ id: profiled.id, volunteerCount: 321 }),
    token: authority,
    table: 'organizations.organization',
    key: async () => ['id', profiled.id],
  },
  changeOrganizationStatus: {
    mutation: 'mutation ($input: ChangeOrganizationStatusInput!) { changeOrganizationStatus(input: $input) { organization { version } } }',
    input: async () => ({ id: changed.id, to: 'ABNORMAL', reason: '未按时报送年报' }),
    token: authority,
    table: 'organizations.organization',
    key: async () => ['id', changed.id],
  },
  recordEvaluationGrade: {
    mutation: 'mutation ($input: RecordEvaluationGradeInput!) { recordEvaluationGrade(input: $input) { organization { version } } }',
    input: async () => ({ organizationId: graded.id, grade: 'GRADE_4A', awardedOn: '2024-03-01', validUntil: '2029-03-01' }),
    token: authority,
    table: 'organizations.organization',
    key: async () => ['id', graded.id],
  },
  changeFacilityStatus: {
    mutation: 'mutation ($input: ChangeFacilityStatusInput!) { changeFacilityStatus(input: $input) { facility { version } } }',
    input: async () => ({ id: (await listedFacility()).id, to: 'SUSPENDED', reason: '设施维修' }),
    token: async () => tokenFor({ roles: ['UNIT_ADMIN'], area: '510107000000', org: (await listedFacility()).unit_id }),
    table: 'facilities.facility',
    key: async () => ['id', (await listedFacility()).id],
  },
  evaluateTender: {
    mutation: 'mutation ($input: EvaluateTenderInput!) { evaluateTender(input: $input) { tender { version } } }',
    input: async () => ({ tenderId: await closedTender(), scores: await bidsOf(await closedTender()) }),
    token: () => officer(),
    table: 'procurement.tender',
    key: async () => ['id', await closedTender()],
  },
  changeContractStatus: {
    mutation: 'mutation ($input: ChangeContractStatusInput!) { changeContractStatus(input: $input) { contract { version } } }',
    input: async () => ({ contractId: await signedContract(), to: 'TERMINATED', reason: '服务机构严重违约' }),
    token: () => officer(),
    table: 'procurement.contract',
    key: async () => ['id', await signedContract()],
  },
};

async function stored(c: Case): Promise<Record<string, unknown>> {
  const [column, value] = await c.key();
  const [row] = await graph.database.query<{ row: Record<string, unknown> }>(
    `SELECT to_jsonb(t) AS row FROM ${c.table} t WHERE t.${column}::text = $1`,
    [value],
  );
  return row!.row;
}

describe.each(Object.entries(CASES))('%s', (name, c) => {
  test('without expectedVersion (omitted or null): BAD_USER_INPUT naming input.expectedVersion, nothing written', async () => {
    const before = await stored(c);
    for (const input of [await c.input(), { ...(await c.input()), expectedVersion: null }]) {
      const { body } = await graph.request(c.mutation, { token: await c.token(), variables: { input } });
      expect(body.data?.[name] ?? null).toBeNull();
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.expectedVersion' });
      expect(body.errors?.[0]?.message).toContain('input.expectedVersion');
      expect(await stored(c)).toEqual(before);
    }
  });

  test('with a stale version (someone changed it since): CONFLICT, nothing written; with the current one it goes through', async () => {
    const [column, value] = await c.key();
    const read = (await stored(c)).version as number;
    // Another officer's change lands after this caller read the record.
    await graph.database.query(`UPDATE ${c.table} SET version = version + 1 WHERE ${column}::text = $1`, [value]);
    const before = await stored(c);
    const stale = await graph.request(c.mutation, {
      token: await c.token(),
      variables: { input: { ...(await c.input()), expectedVersion: read } },
    });
    expect(stale.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await stored(c)).toEqual(before);
    const current = await graph.request(c.mutation, {
      token: await c.token(),
      variables: { input: { ...(await c.input()), expectedVersion: read + 1 } },
    });
    expect(current.body.errors).toBeUndefined();
    expect(current.body.data?.[name]).toBeTruthy();
  });
});
