import { SignJWT } from 'jose';
import { startTestGraph, type GraphResponse, type TestGraph } from '../../../test/support/graph';
import { TEST_SECRET, tokenFor } from '../../../test/support/tokens';

/** The communities registry through the real gateway, over the seeded demo city. */

const CHENGHUA = '510108000000';
const CHENGHUA_STREET_1 = '510108001000';
const CHENGHUA_COMMUNITY = '510108001001';
const CHENGHUA_OTHER_STREET_COMMUNITY = '510108002001';
const QINGYANG_COMMUNITY = '510105001001'; // 清波社区

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph({ seed: true });
});
afterAll(async () => {
  await graph?.stop();
});

const COMMUNITY_WITH_CONTACTS = `query ($code: AreaCode!) {
  community(code: $code) { code name households street { code } contacts { committeePhone serviceStationAddress } }
}`;

describe('reading', () => {
  test('anonymous callers read public fields, and contacts are refused as UNAUTHENTICATED', async () => {
    const { status, body } = await graph.request(COMMUNITY_WITH_CONTACTS, { variables: { code: QINGYANG_COMMUNITY } });
    expect(status).toBe(200);
    expect(body.data?.community).toMatchObject({
      code: QINGYANG_COMMUNITY,
      name: '清波社区',
      street: { code: '510105001000' },
      contacts: null,
    });
    expect(body.data?.community.households).toBeGreaterThan(0);
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toMatchObject({ path: ['community', 'contacts'], extensions: { code: 'UNAUTHENTICATED' } });
  });

  test('a district officer reads contacts inside the district and gets FORBIDDEN outside it', async () => {
    const token = await tokenFor({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: CHENGHUA });
    const inside = await graph.request(COMMUNITY_WITH_CONTACTS, { variables: { code: CHENGHUA_COMMUNITY }, token });
    expect(inside.body.errors).toBeUndefined();
    expect(inside.body.data?.community.contacts.committeePhone).toMatch(/^\+8628\d{8}$/);

    const outside = await graph.request(COMMUNITY_WITH_CONTACTS, { variables: { code: QINGYANG_COMMUNITY }, token });
    expect(outside.body.data?.community).toMatchObject({ code: QINGYANG_COMMUNITY, contacts: null });
    expect(outside.body.errors?.[0]).toMatchObject({ path: ['community', 'contacts'], extensions: { code: 'FORBIDDEN' } });
  });

  test('a resident is not an officer, even inside their own community', async () => {
    const token = await tokenFor({ roles: ['RESIDENT'], area: CHENGHUA_COMMUNITY });
    const { body } = await graph.request(COMMUNITY_WITH_CONTACTS, { variables: { code: CHENGHUA_COMMUNITY }, token });
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  test('an unknown code gives null, not an error', async () => {
    const { body } = await graph.request('query ($c: AreaCode!) { community(code: $c) { name } area(code: $c) { name } }', {
      variables: { c: '510108999999' },
    });
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ community: null, area: null });
  });

  test('an invalid code is BAD_USER_INPUT naming the field', async () => {
    const { body } = await graph.request('query ($c: AreaCode!) { community(code: $c) { name } }', { variables: { c: '51010800100' } });
    // The field is the argument the variable fills, as it would be written inline.
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code' });
    expect(body.errors?.[0]?.message).toMatch(/12 digits/);

    const nested = await graph.request('query ($f: CommunityFilter) { communities(filter: $f) { totalCount } }', {
      variables: { f: { within: '51010800000X' } },
    });
    expect(nested.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.within' });
  });

  test('areas form the ladder: parent, ancestors, children with totals', async () => {
    const { body } = await graph.request(
      `query ($c: AreaCode!) { area(code: $c) { name level parent { code } ancestors { code level } community { code }
         children(first: 2) { totalCount } } }`,
      { variables: { c: CHENGHUA_STREET_1 } },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.area).toEqual({
      name: '猛追湾街道',
      level: 'STREET',
      parent: { code: CHENGHUA },
      ancestors: [
        { code: '510100000000', level: 'CITY' },
        { code: CHENGHUA, level: 'DISTRICT' },
      ],
      community: null,
      children: { totalCount: 5 },
    });
  });

  test('communities page with opaque cursors, stable order and a total', async () => {
    const query = `query ($after: String) { communities(filter: { within: "${CHENGHUA}" }, first: 7, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { code } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (let pages = 0; pages < 10; pages++) {
      const response: GraphResponse = await graph.request(query, { variables: { after } });
      const connection: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { code: string } }[] } =
        response.body.data?.communities as never;
      total = connection.totalCount;
      seen.push(...connection.edges.map((e: { node: { code: string } }) => e.node.code));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
      expect(after).not.toContain(CHENGHUA.slice(0, 6));
    }
    expect(total).toBe(20);
    expect(seen).toHaveLength(20);
    expect([...seen].sort()).toEqual(seen);
    expect(seen.every((code) => code.startsWith('510108'))).toBe(true);
  });

  test('a forged cursor and an oversized page are BAD_USER_INPUT naming the argument', async () => {
    const forged = await graph.request('{ communities(after: "not-a-cursor") { totalCount } }');
    expect(forged.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const tooMany = await graph.request('{ communities(first: 101) { totalCount } }');
    expect(tooMany.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  test('Chinese name search finds communities by part of their name', async () => {
    const { body } = await graph.request('{ communities(filter: { nameContains: "吉福" }) { totalCount edges { node { code name } } } }');
    expect(body.data?.communities).toEqual({ totalCount: 1, edges: [{ node: { code: '510107001001', name: '吉福社区' } }] });
    const single = await graph.request(
      '{ communities(filter: { nameContains: "福", within: "510107000000" }) { edges { node { name } } } }',
    );
    for (const edge of single.body.data?.communities.edges ?? []) expect(edge.node.name).toContain('福');
    expect(single.body.data?.communities.edges.length).toBeGreaterThan(0);
  });

  test("name search takes LIKE's wildcards literally", async () => {
    const token = await tokenFor({ roles: ['CITY_ADMIN'], area: '510100000000' });
    const code = '510108002097';
    const registered = await graph.request(`mutation ($input: RegisterAreaInput!) { registerArea(input: $input) { area { code } } }`, {
      token,
      variables: { input: { code, name: '1_a_2 1b2社区', level: 'COMMUNITY', parentCode: '510108002000' } },
    });
    expect(registered.body.errors).toBeUndefined();
    const search = async (needle: string) => {
      const { body } = await graph.request(
        'query ($q: String) { communities(filter: { nameContains: $q }) { totalCount edges { node { code } } } }',
        { variables: { q: needle } },
      );
      return body.data?.communities;
    };
    expect(await search('1b2')).toEqual({ totalCount: 1, edges: [{ node: { code } }] });
    // Unescaped, "1_2" would match the "1b2" in the name.
    expect(await search('1_2')).toEqual({ totalCount: 0, edges: [] });
  });

  test('me tells the caller their roles and jurisdiction; anonymous gets null', async () => {
    const token = await tokenFor({ roles: ['STREET_OFFICER'], area: CHENGHUA_STREET_1, sub: 'officer-7' });
    const { body } = await graph.request('{ me { id roles areaCode area { name } organizationId } }', { token });
    expect(body.data?.me).toEqual({
      id: 'officer-7',
      roles: ['STREET_OFFICER'],
      areaCode: CHENGHUA_STREET_1,
      area: { name: '猛追湾街道' },
      organizationId: null,
    });
    const anonymous = await graph.request('{ me { id } }');
    expect(anonymous.body.data).toEqual({ me: null });
  });
});

describe('tokens', () => {
  const query = '{ me { id } }';

  test('an expired token is rejected with 401, not treated as anonymous', async () => {
    const token = await new SignJWT({ roles: ['CITY_ADMIN'], area: '510100000000' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('late')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(TEST_SECRET));
    const { status, body } = await graph.request(query, { token });
    expect(status).toBe(401);
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(body.errors?.[0]?.message).toMatch(/expired/);
    expect(body.data).toBeUndefined();
  });

  test('a token signed with another secret is rejected with 401', async () => {
    const token = await new SignJWT({ roles: ['CITY_ADMIN'], area: '510100000000' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('forger')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-another-secret-another-secret'));
    const { status, body } = await graph.request(query, { token });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('a token with claims outside the vocabulary is rejected with 401', async () => {
    const badRole = await tokenFor({ roles: ['EMPEROR' as never], area: CHENGHUA });
    expect((await graph.request(query, { token: badRole })).status).toBe(401);
    const badArea = await tokenFor({ roles: ['CITY_ADMIN'], area: '5101' });
    expect((await graph.request(query, { token: badArea })).status).toBe(401);
    const notBearer = await graph.request(query, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(notBearer.status).toBe(401);
  });
});

describe('registering areas', () => {
  const REGISTER = `mutation ($input: RegisterAreaInput!) { registerArea(input: $input) { area { code name level officialCode parent { code } community { households population version } } } }`;

  test('a district officer registers a street and a community in the district; the audit trail records it', async () => {
    const token = await tokenFor({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: CHENGHUA, sub: 'chenghua-officer' });
    const street = await graph.request(REGISTER, {
      token,
      variables: { input: { code: '510108009000', name: '保和街道', level: 'STREET', parentCode: CHENGHUA, officialCode: false } },
    });
    expect(street.body.errors).toBeUndefined();
    expect(street.body.data?.registerArea.area).toMatchObject({
      code: '510108009000',
      level: 'STREET',
      officialCode: false,
      parent: { code: CHENGHUA },
    });

    const community = await graph.request(REGISTER, {
      token,
      variables: {
        input: {
          code: '510108009001',
          name: '  和美社区 ',
          level: 'COMMUNITY',
          parentCode: '510108009000',
          households: 1200,
          population: 3100,
        },
      },
    });
    expect(community.body.errors).toBeUndefined();
    expect(community.body.data?.registerArea.area).toMatchObject({
      name: '和美社区',
      community: { households: 1200, population: 3100, version: 1 },
    });

    const [event] = await graph.database.query<{ actor: string; action: string }>(
      `SELECT actor, action FROM communities.audit_event WHERE entity_type = 'Area' AND entity_id = '510108009001'`,
    );
    expect(event).toEqual({ actor: 'chenghua-officer', action: 'REGISTER' });
  });

  test.each([
    ['a code padded for another level', 'input.code', { code: '510108010001', name: '甲', level: 'STREET', parentCode: CHENGHUA }],
    ['a code outside the parent', 'input.code', { code: '510107010000', name: '乙', level: 'STREET', parentCode: CHENGHUA }],
    ['a parent one rung too high', 'input.parentCode', { code: '510108001009', name: '丙', level: 'COMMUNITY', parentCode: CHENGHUA }],
    [
      'a parent that is not registered',
      'input.parentCode',
      { code: '510108077001', name: '丁', level: 'COMMUNITY', parentCode: '510108077000' },
    ],
    ['a blank name', 'input.name', { code: '510108011000', name: '   ', level: 'STREET', parentCode: CHENGHUA }],
    ['figures on a street', 'input.population', { code: '510108012000', name: '戊', level: 'STREET', parentCode: CHENGHUA, population: 5 }],
    [
      'a negative figure',
      'input.households',
      { code: '510108001009', name: '己', level: 'COMMUNITY', parentCode: CHENGHUA_STREET_1, households: -1 },
    ],
    ['a malformed code', 'input.code', { code: '5101080110', name: '庚', level: 'STREET', parentCode: CHENGHUA }],
  ])('refuses %s as BAD_USER_INPUT naming %s, writing nothing', async (_, field, input) => {
    const token = await tokenFor({ roles: ['CITY_ADMIN'], area: '510100000000' });
    const before = await graph.database.query<{ n: number }>('SELECT count(*)::int AS n FROM communities.area');
    const { body } = await graph.request(REGISTER, { token, variables: { input } });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    const after = await graph.database.query<{ n: number }>('SELECT count(*)::int AS n FROM communities.area');
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  test('a duplicate code is a CONFLICT', async () => {
    const token = await tokenFor({ roles: ['CITY_ADMIN'], area: '510100000000' });
    const { body } = await graph.request(REGISTER, {
      token,
      variables: { input: { code: CHENGHUA_STREET_1, name: '重复', level: 'STREET', parentCode: CHENGHUA } },
    });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.code' });
  });

  test('registering is for city administrators and district officers inside their district', async () => {
    const input = { code: '510107020000', name: '新街道', level: 'STREET', parentCode: '510107000000' };
    const chenghua = await tokenFor({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: CHENGHUA });
    expect((await graph.request(REGISTER, { token: chenghua, variables: { input } })).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const street = await tokenFor({ roles: ['STREET_OFFICER'], area: '510107001000' });
    expect((await graph.request(REGISTER, { token: street, variables: { input } })).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await graph.request(REGISTER, { variables: { input } })).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const district = await tokenFor({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: CHENGHUA });
    const ownDistrict = { code: '510108000000', name: '成华区', level: 'DISTRICT', parentCode: '510100000000' };
    expect((await graph.request(REGISTER, { token: district, variables: { input: ownDistrict } })).body.errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
  });
});

describe('updating a community', () => {
  const UPDATE = `mutation ($input: UpdateCommunityInput!) { updateCommunity(input: $input) { community { code households population version contacts { committeeContact committeePhone } } } }`;

  test('a street officer updates a community of their street, with the version bumped and the change audited', async () => {
    const token = await tokenFor({ roles: ['STREET_OFFICER'], area: CHENGHUA_STREET_1, sub: 'street-officer-1' });
    const before = await graph.request('query ($c: AreaCode!) { community(code: $c) { version households } }', {
      variables: { c: CHENGHUA_COMMUNITY },
    });
    const version = before.body.data?.community.version as number;
    const { body } = await graph.request(UPDATE, {
      token,
      variables: {
        input: {
          code: CHENGHUA_COMMUNITY,
          expectedVersion: version,
          households: 4321,
          committeeContact: '张敏',
          committeePhone: '+862884561234',
          reason: '年度入户核查',
        },
      },
    });
    expect(body.errors).toBeUndefined();
    expect(body.data?.updateCommunity.community).toEqual({
      code: CHENGHUA_COMMUNITY,
      households: 4321,
      population: expect.any(Number),
      version: version + 1,
      contacts: { committeeContact: '张敏', committeePhone: '+862884561234' },
    });
    const [event] = await graph.database.query<{
      actor: string;
      reason: string;
      before: { households: number };
      after: { households: number };
    }>(
      `SELECT actor, reason, before, after FROM communities.audit_event
        WHERE entity_type = 'Community' AND entity_id = $1 ORDER BY id DESC LIMIT 1`,
      [CHENGHUA_COMMUNITY],
    );
    expect(event).toMatchObject({
      actor: 'street-officer-1',
      reason: '年度入户核查',
      before: { households: before.body.data?.community.households },
      after: { households: 4321 },
    });
  });

  test("a street officer cannot update another street's community", async () => {
    const token = await tokenFor({ roles: ['STREET_OFFICER'], area: CHENGHUA_STREET_1 });
    const { body } = await graph.request(UPDATE, { token, variables: { input: { code: CHENGHUA_OTHER_STREET_COMMUNITY, households: 1 } } });
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const check = await graph.request('query ($c: AreaCode!) { community(code: $c) { households } }', {
      variables: { c: CHENGHUA_OTHER_STREET_COMMUNITY },
    });
    expect(check.body.data?.community.households).not.toBe(1);
  });

  test('a stale expectedVersion is a CONFLICT and changes nothing', async () => {
    const token = await tokenFor({ roles: ['CITY_ADMIN'], area: '510100000000' });
    const current = await graph.request('query ($c: AreaCode!) { community(code: $c) { version population } }', {
      variables: { c: CHENGHUA_COMMUNITY },
    });
    const { body } = await graph.request(UPDATE, {
      token,
      variables: { input: { code: CHENGHUA_COMMUNITY, expectedVersion: current.body.data?.community.version - 1, population: 1 } },
    });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: current.body.data?.community.version });
    const after = await graph.request('query ($c: AreaCode!) { community(code: $c) { version population } }', {
      variables: { c: CHENGHUA_COMMUNITY },
    });
    expect(after.body.data).toEqual(current.body.data);
  });

  test('concurrent updates at the same version: exactly one wins, the others get CONFLICT', async () => {
    const token = await tokenFor({ roles: ['CITY_ADMIN'], area: '510100000000' });
    const code = '510108003002';
    const current = await graph.request('query ($c: AreaCode!) { community(code: $c) { version } }', { variables: { c: code } });
    const version = current.body.data?.community.version as number;
    const results = await Promise.all(
      [101, 102, 103, 104, 105].map((households) =>
        graph.request(UPDATE, { token, variables: { input: { code, expectedVersion: version, households } } }),
      ),
    );
    const winners = results.filter((r) => !r.body.errors);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.body.errors?.[0]?.extensions?.code === 'CONFLICT')).toHaveLength(4);
    const after = await graph.request('query ($c: AreaCode!) { community(code: $c) { version households } }', { variables: { c: code } });
    expect(after.body.data?.community).toEqual({
      version: version + 1,
      households: winners[0]!.body.data?.updateCommunity.community.households,
    });
  });

  test.each([
    ['no field to change', 'input', { code: CHENGHUA_COMMUNITY }],
    ['a negative population', 'input.population', { code: CHENGHUA_COMMUNITY, population: -3 }],
    ['a phone that is not E.164', 'input.committeePhone', { code: CHENGHUA_COMMUNITY, committeePhone: '028-8456' }],
    ['an over-long contact', 'input.committeeContact', { code: CHENGHUA_COMMUNITY, committeeContact: '名'.repeat(201) }],
  ])('refuses %s as BAD_USER_INPUT naming %s', async (_, field, input) => {
    const token = await tokenFor({ roles: ['CITY_ADMIN'], area: '510100000000' });
    const { body } = await graph.request(UPDATE, { token, variables: { input } });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  test('an unknown community is NOT_FOUND', async () => {
    const token = await tokenFor({ roles: ['CITY_ADMIN'], area: '510100000000' });
    const { body } = await graph.request(UPDATE, {
      token,
      variables: { input: { code: '510108099099', expectedVersion: 1, households: 3 } },
    });
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('batching', () => {
  test('a page of communities with their streets, districts and ancestors is one SQL statement, for 10 as for 100', async () => {
    const query = `query ($n: Int!) { communities(first: $n) { edges { node { code street { name parent { name } } district { name } area { ancestors { code } } } } } }`;
    const count = async (n: number) => {
      graph.statements.length = 0;
      const { body } = await graph.request(query, { variables: { n } });
      expect(body.errors).toBeUndefined();
      expect(body.data?.communities.edges).toHaveLength(n);
      return graph.statements.length;
    };
    const forTen = await count(10);
    const forHundred = await count(100);
    expect(forTen).toBe(1);
    expect(forHundred).toBe(1);
  });

  test('a community looked up by code comes with the areas above it: one statement for its street and district', async () => {
    graph.statements.length = 0;
    const { body } = await graph.request(
      `{ community(code: "510107001001") { name street { name } district { name } area { ancestors { level } } } }`,
    );
    expect(body.data?.community).toMatchObject({
      name: '吉福社区',
      area: { ancestors: [{ level: 'CITY' }, { level: 'DISTRICT' }, { level: 'STREET' }] },
    });
    expect(graph.statements).toHaveLength(1);
  });

  test("every street's children in one page request cost the same few statements for 5 streets as for 26", async () => {
    const query = `query ($n: Int!) { areas(level: STREET, first: $n) { edges { node { code
      children(first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { node { code parent { code } } } } } } } }`;
    const run = async (n: number) => {
      graph.statements.length = 0;
      const { body } = await graph.request(query, { variables: { n } });
      expect(body.errors).toBeUndefined();
      return { statements: graph.statements.length, edges: body.data?.areas.edges as any[] };
    };
    const few = await run(5);
    const all = await run(26);
    expect(all.edges.length).toBeGreaterThanOrEqual(26);
    expect(all.statements).toBe(few.statements);
    for (const { node } of all.edges) {
      expect(node.children.edges.map((e: any) => e.node.parent.code)).toEqual(node.children.edges.map(() => node.code));
      expect(node.children.edges.length).toBe(Math.min(3, node.children.totalCount));
      expect(node.children.pageInfo.hasNextPage).toBe(node.children.totalCount > 3);
    }
    const street = all.edges.find((e) => e.node.code === CHENGHUA_STREET_1).node;
    expect(street.children.edges.map((e: any) => e.node.code)).toEqual(['510108001001', '510108001002', '510108001003']);
    const next = await graph.request(
      'query ($c: AreaCode!, $after: String) { area(code: $c) { children(first: 3, after: $after) { edges { node { code } } } } }',
      {
        variables: { c: CHENGHUA_STREET_1, after: street.children.pageInfo.endCursor },
      },
    );
    expect(next.body.data?.area.children.edges.map((e: any) => e.node.code)).toEqual(['510108001004', '510108001005']);
  });
});
