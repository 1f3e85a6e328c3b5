import { significantPrefix } from '../../../lib/kernel/auth';
import { todayIn } from '../../../lib/kernel/dates';
import { demoOrganizations, demoOrganizationId, type DemoOrganization } from '../../../seed/demo-organizations';
import { seedOrganizations } from '../prisma/seed';
import { checkCharacter, withCheckCharacter } from '../../../lib/kernel/credit-code';
import { startTestGraph, type GraphResponse, type TestGraph } from '../../../test/support/graph';
import { tokenFor } from '../../../test/support/tokens';

/** The organisation registry through the real gateway, over the seeded demo city. */

const WUHOU = '510107000000';
const JINYANG_STREET = '510107001000';
const JIFU_COMMUNITY = '510107001001'; // 武侯区晋阳街道吉福社区
const JINJIANG = '510104000000';

const demo = demoOrganizations();

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph({ seed: true });
});
afterAll(async () => {
  await graph?.stop();
});

/** Whether one of the organisation's service areas covers `code` or lies inside it. */
function overlaps(organization: DemoOrganization, code: string): boolean {
  const prefix = significantPrefix(code);
  return organization.serviceAreaCodes.some((area) => prefix.startsWith(significantPrefix(area)) || area.startsWith(prefix));
}

function servesCommunity(organization: DemoOrganization, community: string): boolean {
  return organization.status === 'ACTIVE' && organization.serviceAreaCodes.some((area) => community.startsWith(significantPrefix(area)));
}

describe('demo data', () => {
  test('holds at least 200 organisations of every kind, and seeding again changes nothing', async () => {
    const kinds = await Promise.all(
      [
        'SOCIAL_ASSOCIATION',
        'SOCIAL_SERVICE_AGENCY',
        'FOUNDATION',
        'COMMUNITY_FILED',
        'ENTERPRISE',
        'PUBLIC_INSTITUTION',
        'GOVERNMENT_AGENCY',
      ].map(
        async (kind) =>
          (
            await graph.request('query ($k: OrganizationKind) { organizations(filter: { kind: $k }) { totalCount } }', {
              variables: { k: kind },
            })
          ).body.data?.organizations.totalCount as number,
      ),
    );
    expect(kinds.every((count) => count > 0)).toBe(true);
    const total = kinds.reduce((sum, count) => sum + count, 0);
    expect(total).toBe(demo.length);
    expect(total).toBeGreaterThanOrEqual(200);

    const counts = () =>
      graph.database.query<{ o: number; s: number; h: number; r: number }>(
        `SELECT (SELECT count(*)::int FROM organizations.organization) AS o, (SELECT count(*)::int FROM organizations.service_area) AS s,
                (SELECT count(*)::int FROM organizations.status_change) AS h, (SELECT count(*)::int FROM organizations.annual_report) AS r`,
      );
    const before = await counts();
    await graph.database.withSession((session) => seedOrganizations(session));
    expect(await counts()).toEqual(before);
  });

  test('a civil-affairs bureau is found by its credit code, with its areas resolved by the communities subgraph', async () => {
    const bureau = demo.find((o) => o.key === 'civil-affairs:510107')!;
    expect(bureau.id).toBe(demoOrganizationId('civil-affairs:510107'));
    const { body } = await graph.request(
      `query ($c: CreditCode!) { organizationByCreditCode(code: $c) { id name kind registrationArea { name level } serviceAreas { code name } } }`,
      { variables: { c: bureau.creditCode } },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.organizationByCreditCode).toEqual({
      id: bureau.id,
      name: '成都市武侯区民政局',
      kind: 'GOVERNMENT_AGENCY',
      registrationArea: { name: '武侯区', level: 'DISTRICT' },
      serviceAreas: [{ code: WUHOU, name: '武侯区' }],
    });
  });

  test('name search finds Chinese names', async () => {
    const { body } = await graph.request(
      '{ organizations(filter: { nameContains: "民政局" }, first: 20) { totalCount edges { node { name } } } }',
    );
    expect(body.data?.organizations.totalCount).toBe(7);
    expect(body.data?.organizations.edges.map((e: { node: { name: string } }) => e.node.name)).toContain('北京市海淀区民政局');
  });

  test("name search takes LIKE's wildcards literally", async () => {
    const token = await tokenFor({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: JINJIANG });
    const registered = await graph.request(
      `mutation ($input: RegisterOrganizationInput!) { registerOrganization(input: $input) { organization { id } } }`,
      {
        token,
        variables: {
          input: {
            name: '成都市锦江区1_a_2 1b2青少年服务中心',
            kind: 'SOCIAL_SERVICE_AGENCY',
            registrationAreaCode: JINJIANG,
            registrationDate: '2021-09-01',
            creditCode: withCheckCharacter('52510104MJ9999971'),
          },
        },
      },
    );
    expect(registered.body.errors).toBeUndefined();
    const id = registered.body.data?.registerOrganization.organization.id;
    const search = async (needle: string) => {
      const { body } = await graph.request(
        'query ($q: String) { organizations(filter: { nameContains: $q }) { totalCount edges { node { id } } } }',
        {
          variables: { q: needle },
        },
      );
      return body.data?.organizations;
    };
    expect(await search('1b2')).toEqual({ totalCount: 1, edges: [{ node: { id } }] });
    // Unescaped, "1_2" would match the "1b2" in the name, and "2%1" the "2 1".
    expect(await search('1_2')).toEqual({ totalCount: 0, edges: [] });
    expect(await search('2%1')).toEqual({ totalCount: 0, edges: [] });
    expect(await search('1_a_2')).toEqual({ totalCount: 1, edges: [{ node: { id } }] });
  });
});

describe('credit codes through the gateway', () => {
  const REGISTER = `mutation ($input: RegisterOrganizationInput!) { registerOrganization(input: $input) { organization { id creditCode } } }`;
  const input = (overrides: Record<string, unknown>) => ({
    name: '成都市锦江区启明青少年发展中心',
    kind: 'SOCIAL_SERVICE_AGENCY',
    registrationAreaCode: JINJIANG,
    registrationDate: '2021-09-01',
    ...overrides,
  });
  let token: string;
  beforeAll(async () => {
    token = await tokenFor({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: JINJIANG });
  });

  test.each([
    ['53440300MJL0167883', 'FOUNDATION'],
    ['52110101MJ0018899X', 'SOCIAL_SERVICE_AGENCY'],
  ])('%s has the wrong check character: BAD_USER_INPUT naming the expected one', async (code, kind) => {
    const expected = checkCharacter(code.slice(0, 17));
    const { body } = await graph.request(REGISTER, { variables: { input: input({ creditCode: code, kind }) }, token });
    expect(body.data).toBeNull();
    expect(body.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'input.creditCode', expectedCheckCharacter: expected },
    });
    expect(body.errors?.[0]?.message).toContain(`expected ${expected}`);
  });

  test.each([
    ['a wrong length', '5251010400000001X', /18 characters/],
    ['a forbidden letter', '5251010400000Z001X', /"Z" is not one of/],
  ])('%s is refused by the scalar, naming the field', async (_, code, message) => {
    const { body } = await graph.request(REGISTER, { variables: { input: input({ creditCode: code }) }, token });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.creditCode' });
    expect(body.errors?.[0]?.message).toMatch(message);
  });

  test('a code of another kind is refused, a missing one too, and a right one registers once', async () => {
    const enterprise = withCheckCharacter('91510104MA0000001');
    const mismatch = await graph.request(REGISTER, { variables: { input: input({ creditCode: enterprise }) }, token });
    expect(mismatch.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.creditCode' });
    const missing = await graph.request(REGISTER, { variables: { input: input({}) }, token });
    expect(missing.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.creditCode' });

    const right = withCheckCharacter('52510104MJ9999991');
    const created = await graph.request(REGISTER, { variables: { input: input({ creditCode: right }) }, token });
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data?.registerOrganization.organization.creditCode).toBe(right);
    const again = await graph.request(REGISTER, { variables: { input: input({ creditCode: right }) }, token });
    expect(again.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.creditCode' });
  });

  // A mistyped code must not read as "a valid code nobody registered" (null).
  const LOOKUP = 'query ($c: CreditCode!) { organizationByCreditCode(code: $c) { id } }';
  test.each([
    ['a wrong check character', '53440300MJL0167883', checkCharacter('53440300MJL016788'), /wrong check character: expected/],
    ['a missing check character', '53440300MJL016788', checkCharacter('53440300MJL016788'), /expected 18 characters, got 17/],
    ['one character too many', '53100000500019795A0', 'A', /expected 18 characters, got 19/],
    ['a check character outside the set', '53100000500019795I', 'A', /"I" is not one of/],
  ])('looking up %s is BAD_USER_INPUT on code, naming the expected check character', async (_, code, expected, message) => {
    for (const [query, variables] of [
      [LOOKUP, { c: code }],
      [`{ organizationByCreditCode(code: "${code}") { id } }`, {}],
    ] as const) {
      const { body } = await graph.request(query, { variables });
      expect(body.data?.organizationByCreditCode ?? null).toBeNull();
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code', expectedCheckCharacter: expected });
      expect(body.errors?.[0]?.message).toMatch(message);
      expect(body.errors?.[0]?.message).toMatch(new RegExp(`(expected|the check character) ${expected}\\b`));
    }
  });

  test('looking up a code with a character outside the set in its body is BAD_USER_INPUT naming the character', async () => {
    const { body } = await graph.request(LOOKUP, { variables: { c: '5310000050001979OA' } });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code' });
    expect(body.errors?.[0]?.extensions?.expectedCheckCharacter).toBeUndefined();
    expect(body.errors?.[0]?.message).toMatch(/"O" is not one of 0123456789ABCDEFGHJKLMNPQRTUWXY/);
  });

  test('a valid code nobody registered answers null, without an error', async () => {
    const { body } = await graph.request(LOOKUP, { variables: { c: withCheckCharacter('52510104MJ7777771') } });
    expect(body).toEqual({ data: { organizationByCreditCode: null } });
  });
});

describe('access', () => {
  const agency = demo.find(
    (o) => o.registrationArea === WUHOU && o.kind === 'SOCIAL_SERVICE_AGENCY' && o.status === 'ACTIVE' && o.annualReports.length > 0,
  )!;
  const neighbour = demo.find((o) => o.registrationArea === WUHOU && o.kind === 'SOCIAL_ASSOCIATION' && o.status === 'ACTIVE')!;
  const PRIVATE =
    'query ($id: ID!) { organization(id: $id) { name status contact { phone email } annualReports { year totalIncome { amount } } } }';

  test('anonymous callers read public fields; contact and reports are UNAUTHENTICATED', async () => {
    const { body } = await graph.request(PRIVATE, { variables: { id: agency.id } });
    expect(body.data?.organization).toEqual({ name: agency.name, status: 'ACTIVE', contact: null, annualReports: null });
    expect(body.errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([
      ['organization.contact', 'UNAUTHENTICATED'],
      ['organization.annualReports', 'UNAUTHENTICATED'],
    ]);
  });

  test('officers outside the jurisdiction get FORBIDDEN; inside they read', async () => {
    const outside = await tokenFor({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: JINJIANG });
    const refused = await graph.request(PRIVATE, { variables: { id: agency.id }, token: outside });
    expect(refused.body.data?.organization).toMatchObject({ contact: null, annualReports: null });
    expect(refused.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);

    const inside = await tokenFor({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: WUHOU });
    const read = await graph.request(PRIVATE, { variables: { id: agency.id }, token: inside });
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data?.organization.contact).toEqual({ phone: agency.contactPhone, email: agency.contactEmail });
    expect(read.body.data?.organization.annualReports.map((r: { year: number }) => r.year)).toEqual(
      agency.annualReports.map((r) => r.year).sort((a, b) => b - a),
    );
  });

  test('an organisation’s admin edits its own profile, and not another’s', async () => {
    const token = await tokenFor({ roles: ['ORG_ADMIN'], area: WUHOU, org: agency.id });
    const UPDATE = `mutation ($input: UpdateOrganizationProfileInput!) { updateOrganizationProfile(input: $input) { organization { id volunteerCount } } }`;
    const [{ version }] = (await graph.database.query<{ version: number }>(
      'SELECT version FROM organizations.organization WHERE id = $1::uuid',
      [agency.id],
    )) as [{ version: number }];
    const own = await graph.request(UPDATE, {
      variables: { input: { id: agency.id, expectedVersion: version, volunteerCount: 321 } },
      token,
    });
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data?.updateOrganizationProfile.organization).toEqual({ id: agency.id, volunteerCount: 321 });

    const other = await graph.request(UPDATE, { variables: { input: { id: neighbour.id, volunteerCount: 1 } }, token });
    expect(other.body.data).toBeNull();
    expect(other.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const { body } = await graph.request('query ($id: ID!) { organization(id: $id) { volunteerCount } }', {
      variables: { id: neighbour.id },
    });
    expect(body.data?.organization.volunteerCount).toBe(neighbour.volunteerCount);
  });
});

describe('Community.organizations', () => {
  const QUERY = `query ($n: Int) { communities(first: $n) { edges { node { code name organizations(first: 5) { totalCount edges { node { id name } } } } } } }`;

  test('the same small number of SQL statements for 10 and for 50 communities', async () => {
    const counts: number[] = [];
    for (const n of [10, 50]) {
      graph.statements.length = 0;
      const { body } = await graph.request(QUERY, { variables: { n } });
      expect(body.errors).toBeUndefined();
      expect(body.data?.communities.edges).toHaveLength(n);
      counts.push(graph.statements.length);
    }
    expect(counts[0]).toBe(counts[1]);
    expect(counts[1]).toBeLessThanOrEqual(6);
  });

  test('lists the active organisations whose service areas cover each community, by name', async () => {
    const { body } = await graph.request(QUERY, { variables: { n: 50 } });
    for (const { node } of body.data?.communities.edges as {
      node: { code: string; organizations: { totalCount: number; edges: { node: { id: string } }[] } };
    }[]) {
      const serving = demo.filter((o) => servesCommunity(o, node.code));
      expect({ code: node.code, total: node.organizations.totalCount }).toEqual({ code: node.code, total: serving.length });
      expect(node.organizations.edges.length).toBe(Math.min(5, serving.length));
      for (const edge of node.organizations.edges) expect(serving.map((o) => o.id)).toContain(edge.node.id);
    }
  });

  test('pages through one community with the cursor', async () => {
    const PAGE = `query ($c: AreaCode!, $after: String) { community(code: $c) { name organizations(first: 4, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const response: GraphResponse = await graph.request(PAGE, { variables: { c: JIFU_COMMUNITY, after } });
      expect(response.body.errors).toBeUndefined();
      const page = response.body.data?.community as {
        organizations: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
      };
      seen.push(...page.organizations.edges.map((e) => e.node.id));
      if (!page.organizations.pageInfo.hasNextPage) break;
      after = page.organizations.pageInfo.endCursor;
    }
    expect(seen.sort()).toEqual(
      demo
        .filter((o) => servesCommunity(o, JIFU_COMMUNITY))
        .map((o) => o.id)
        .sort(),
    );
  });
});

describe('supplyByCategory', () => {
  const SUPPLY = 'query ($w: AreaCode!) { supplyByCategory(within: $w) { category activeOrganizations gradedThreeAOrBetter } }';

  function expectedSupply(within: string) {
    const serving = demo.filter((o) => o.status === 'ACTIVE' && overlaps(o, within));
    // Today in the demo city's zone, as the subgraph decides whether a grade is still valid.
    const day = todayIn('Asia/Shanghai');
    const categories = [
      'ELDERLY_CARE',
      'CHILD_AND_YOUTH',
      'DISABILITY',
      'COMMUNITY_GOVERNANCE',
      'SOCIAL_WORK',
      'TRAINING_AND_EMPLOYMENT',
      'CULTURE_AND_SPORTS',
      'HEALTH',
      'LEGAL_AID',
      'POVERTY_RELIEF',
      'ENVIRONMENT',
      'VOLUNTEERING',
    ];
    return categories.map((category) => {
      const offering = serving.filter((o) => o.categories.includes(category));
      return {
        category,
        activeOrganizations: offering.length,
        gradedThreeAOrBetter: offering.filter((o) => o.grade !== null && o.grade >= 3 && o.gradeValidUntil! >= day).length,
      };
    });
  }

  test.each([
    ['a district', WUHOU],
    ['a street', JINYANG_STREET],
    ['a community', JIFU_COMMUNITY],
    ['a city', '510100000000'],
  ])('matches counts computed from the demo data for %s, in one SQL statement', async (_, within) => {
    graph.statements.length = 0;
    const { body } = await graph.request(SUPPLY, { variables: { w: within } });
    expect(body.errors).toBeUndefined();
    expect(graph.statements).toHaveLength(1);
    const expected = expectedSupply(within);
    expect(body.data?.supplyByCategory).toEqual(expected);
    expect(expected.some((row) => row.gradedThreeAOrBetter > 0)).toBe(true);
  });

  test('an area nobody serves gives zeros for every category', async () => {
    const { body } = await graph.request(SUPPLY, { variables: { w: '320100000000' } });
    expect(body.data?.supplyByCategory).toHaveLength(12);
    expect(body.data?.supplyByCategory.every((row: { activeOrganizations: number }) => row.activeOrganizations === 0)).toBe(true);
  });
});
