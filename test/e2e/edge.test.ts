import net from 'node:net';
import { SignJWT } from 'jose';
import { closeServer, listen } from '../../lib/edge/http';
import { subgraphs } from '../../subgraphs';
import { databaseKind, testDatabaseUrl, withAdmin } from '../support/database';
import { startTestGraph, type GraphResponse, type TestGraph } from '../support/graph';
import { TEST_SECRET, tokenFor } from '../support/tokens';

/**
 * The holes an outside probe found in the edge (issue 6), each as a request through the real
 * gateway, or straight at a subgraph where the probe went there.
 */

const COMMUNITY = '510108001001';
let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph({
    seed: true,
    config: { MAX_QUERY_COST: '3000', MAX_QUERY_ALIASES: '50', MAX_QUERY_FIELDS: '500', MAX_RESPONSE_BYTES: '16kb' },
  });
});
afterAll(async () => {
  await graph?.stop();
});

const codeOf = (response: GraphResponse) => response.body.errors?.[0]?.extensions?.code;

async function postTo(url: string, query: string, variables?: Record<string, unknown>): Promise<GraphResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphResponse['body'] };
}

describe('denial of service through the cost limit', () => {
  test('__typename costs like any field: a flood of aliased __typename under 100 rows is refused before any SQL', async () => {
    const typenames = Array.from({ length: 40 }, (_, i) => `t${i}: __typename`).join(' ');
    graph.statements.length = 0;
    const flood = await graph.request(`{ communities(first: 100) { edges { node { ${typenames} } } } }`);
    expect(flood.status).toBe(400);
    expect(flood.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', maxCost: 3000 });
    expect(graph.statements).toHaveLength(0);
  });

  test("a variable's default value is priced as the executor will use it, sent or not", async () => {
    const query = 'query ($n: Int = 100) { areas(first: $n) { edges { node { children(first: $n) { edges { node { code } } } } } } }';
    const byDefault = await graph.request(query, { variables: {} });
    expect(byDefault.status).toBe(400);
    expect(codeOf(byDefault)).toBe('QUERY_TOO_COSTLY');
    expect(codeOf(await graph.request(query, { variables: { n: 100 } }))).toBe('QUERY_TOO_COSTLY');
    expect((await graph.request(query, { variables: { n: 5 } })).body.errors).toBeUndefined();
  });

  test('aliases are counted per operation', async () => {
    const aliases = Array.from({ length: 51 }, (_, i) => `m${i}: me { id }`).join(' ');
    const refused = await graph.request(`{ ${aliases} }`);
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_ALIASES', maxAliases: 50 });
  });

  test('fields are counted with fragments expanded, even when cheap', async () => {
    const spreads = Array.from({ length: 300 }, () => '...F').join(' ');
    const refused = await graph.request(`{ area(code: "${COMMUNITY}") { ${spreads} } } fragment F on Area { code name }`);
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_FIELDS', maxFields: 500 });
  });

  test('a document over the token limit is refused while parsing', async () => {
    const refused = await graph.request(`{ me { ${'id '.repeat(6000)} } }`);
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_TOKENS', maxTokens: 5000 });
  });

  test('introspection-only operations are bounded too', async () => {
    const deep = `{ __typename a0: __typename ${Array.from({ length: 60 }, (_, i) => `x${i}: __typename`).join(' ')} }`;
    expect(codeOf(await graph.request(deep))).toBe('TOO_MANY_ALIASES');
    const nested =
      '{ __type(name: "Area") { fields { type { fields { type { fields { type { fields { type { fields { type { fields { name } } } } } } } } } } } } }';
    expect(codeOf(await graph.request(nested))).toBe('QUERY_TOO_DEEP');
  });

  test('a response over the size ceiling is replaced by RESPONSE_TOO_LARGE', async () => {
    const big = await graph.request('{ communities(first: 100) { edges { node { code name area { ancestors { code name } } } } } }');
    expect(big.body.errors?.map((e) => e.extensions?.code)).toContain('RESPONSE_TOO_LARGE');
    expect(JSON.stringify(big.body).length).toBeLessThan(16 * 1024);
  });

  test('field suggestions do not name the schema to strangers', async () => {
    const { body } = await graph.request('{ communitie { code } }');
    expect(body.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  test.each(subgraphs.map((s) => s.name))('the %s subgraph applies the same limits on its own port', async (name) => {
    const url = graph.subgraphUrls[name]!;
    const deep = `{ ${'__type(name: "Query") { fields { type { fields { type { '.repeat(8)}name${' } } } } }'.repeat(8)} }`;
    expect(codeOf(await postTo(url, deep))).toBe('QUERY_TOO_DEEP');
    const aliases = Array.from({ length: 300 }, (_, i) => `a${i}: __typename`).join(' ');
    expect(codeOf(await postTo(url, `{ ${aliases} }`))).toBe('TOO_MANY_ALIASES');
  });
});

describe('bad input is never an internal error', () => {
  test("a URL that cannot be decoded is BAD_REQUEST (400) in the graph's error shape, with the request id", async () => {
    const response = await fetch(graph.gatewayUrl.replace(/graphql$/, '%zz'), { headers: { 'x-request-id': 'probe-bad-url' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-request-id')).toBe('probe-bad-url');
    expect(await response.json()).toEqual({
      errors: [{ message: expect.stringContaining('%zz'), extensions: { code: 'BAD_REQUEST', requestId: 'probe-bad-url' } }],
    });
  });

  test('a cursor that decodes but does not belong to the list is BAD_USER_INPUT on after', async () => {
    const { body } = await graph.request('{ organizations(after: "WyJjMSJd") { totalCount } }');
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const other = await graph.request(
      `{ communities(after: "${Buffer.from(JSON.stringify(['c1', 'x', 'y'])).toString('base64url')}") { totalCount } }`,
    );
    expect(other.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  test('a NUL character is refused at the edge, inline or as a variable, naming the argument', async () => {
    graph.statements.length = 0;
    const asVariable = await graph.request('query ($q: String) { communities(filter: { nameContains: $q }) { totalCount } }', {
      variables: { q: '清\u0000波' },
    });
    expect(asVariable.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.nameContains' });
    const inline = await graph.request('{ communities(filter: { nameContains: "清\\u0000波" }) { totalCount } }');
    expect(inline.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.nameContains' });
    expect(graph.statements).toHaveLength(0);
  });

  test('a year beyond what the column holds is BAD_USER_INPUT on input.year', async () => {
    const page = await graph.request(
      '{ organizations(first: 1, filter: { kind: SOCIAL_SERVICE_AGENCY }) { edges { node { id registrationAreaCode } } } }',
    );
    const organization = page.body.data!.organizations.edges[0].node;
    const token = await tokenFor({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: `${organization.registrationAreaCode.slice(0, 6)}000000` });
    const { body } = await graph.request(
      'mutation ($id: ID!) { lockAnnualReport(input: { organizationId: $id, year: 40000 }) { report { year } } }',
      { variables: { id: organization.id }, token },
    );
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.year' });
  });

  test('the same bad value gets the same answer inline or as a variable: BAD_USER_INPUT with the argument path', async () => {
    const token = await tokenFor({ roles: ['CITY_ADMIN'], area: '510100000000' });
    const inlineCode = await graph.request('{ community(code: "12") { name } }');
    const variableCode = await graph.request('query ($c: AreaCode!) { community(code: $c) { name } }', { variables: { c: '12' } });
    for (const response of [inlineCode, variableCode]) {
      expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code' });
    }
    const inlineInput = await graph.request(
      `mutation { updateCommunity(input: { code: "${COMMUNITY}", households: -1 }) { community { code } } }`,
      { token },
    );
    const variableInput = await graph.request(
      'mutation ($i: UpdateCommunityInput!) { updateCommunity(input: $i) { community { code } } }',
      {
        variables: { i: { code: COMMUNITY, households: -1 } },
        token,
      },
    );
    const inlineField = await graph.request(
      'mutation ($h: NonNegativeInt) { updateCommunity(input: { code: "510108001001", households: $h }) { community { code } } }',
      {
        variables: { h: -1 },
        token,
      },
    );
    for (const response of [inlineInput, variableInput, inlineField]) {
      expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.households' });
    }
  });
});

describe('tokens and identities', () => {
  const key = new TextEncoder().encode(TEST_SECRET);
  const claims = { roles: ['CITY_ADMIN'], area: '510100000000' };

  test('a correctly signed token without exp is 401, and the body carries the request id', async () => {
    const forever = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuedAt().sign(key);
    const response = await graph.request('{ me { id } }', { token: forever, headers: { 'x-request-id': 'probe-no-exp' } });
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', requestId: 'probe-no-exp' });
  });

  test('an iat a year ahead is 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const ahead = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuedAt(now + 365 * 86400)
      .setExpirationTime(now + 365 * 86400 + 600)
      .sign(key);
    expect((await graph.request('{ me { id } }', { token: ahead })).status).toBe(401);
  });

  test('two Authorization headers are refused, never one picked silently', async () => {
    const good = await tokenFor({ roles: ['CITY_ADMIN'], area: '510100000000' });
    const url = new URL(graph.gatewayUrl);
    // fetch and http.request merge repeated headers; a raw request sends them as a client may.
    const payload = JSON.stringify({ query: '{ me { id } }' });
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname, () => {
        socket.end(
          [
            `POST ${url.pathname} HTTP/1.1`,
            `Host: ${url.host}`,
            'Content-Type: application/json',
            `Authorization: Bearer ${good}`,
            'Authorization: Bearer other',
            `Content-Length: ${Buffer.byteLength(payload)}`,
            'Connection: close',
            '',
            payload,
          ].join('\r\n'),
        );
      });
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    const status = Number(/^HTTP\/1\.1 (\d+)/.exec(raw)![1]);
    const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
    expect(status).toBe(401);
    // The body may come chunked: look for the error inside it.
    expect(body).toMatch(/"code":"UNAUTHENTICATED","requestId":"[\w-]+"/);
  });

  test("the public sees an actor's roles and organisation; the subject only callers whose jurisdiction covers the record", async () => {
    const page = await graph.request(
      '{ organizations(first: 1, filter: { kind: SOCIAL_ASSOCIATION }) { edges { node { id registrationAreaCode version } } } }',
    );
    const organization = page.body.data!.organizations.edges[0].node;
    const district = `${organization.registrationAreaCode.slice(0, 6)}000000`;
    const officer = await tokenFor({ sub: 'officer-wang', roles: ['DISTRICT_CIVIL_AFFAIRS'], area: district });
    const [{ version }] = (await graph.database.query<{ version: number }>(
      'SELECT version FROM organizations.organization WHERE id = $1::uuid',
      [organization.id],
    )) as [{ version: number }];
    const changed = await graph.request(
      'mutation ($id: ID!, $v: Int) { changeOrganizationStatus(input: { id: $id, expectedVersion: $v, to: ABNORMAL, reason: "未按时报送年报" }) { organization { id } } }',
      { variables: { id: organization.id, v: version }, token: officer },
    );
    expect(changed.body.errors).toBeUndefined();
    const history = 'query ($id: ID!) { organization(id: $id) { statusHistory { to actor actorRoles } } }';
    const asPublic = await graph.request(history, { variables: { id: organization.id } });
    expect(asPublic.body.data!.organization.statusHistory.at(-1)).toEqual({
      to: 'ABNORMAL',
      actor: null,
      actorRoles: ['DISTRICT_CIVIL_AFFAIRS'],
    });
    const otherDistrict = await tokenFor({
      roles: ['DISTRICT_CIVIL_AFFAIRS'],
      area: district === '510107000000' ? '510108000000' : '510107000000',
    });
    const asOutsider = await graph.request(history, { variables: { id: organization.id }, token: otherDistrict });
    expect(asOutsider.body.data!.organization.statusHistory.at(-1).actor).toBeNull();
    const asOfficer = await graph.request(history, { variables: { id: organization.id }, token: officer });
    expect(asOfficer.body.data!.organization.statusHistory.at(-1).actor).toBe('officer-wang');
  });
});

describe('faults', () => {
  test('clients never see which subgraph answered', async () => {
    const { body } = await graph.request(
      `mutation { updateCommunity(input: { code: "${COMMUNITY}", households: 1 }) { community { code } } }`,
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0]?.extensions).not.toHaveProperty('serviceName');
  });

  /** For each subgraph: a page mixing its fields with the others', and what must survive its loss. */
  const outages: Record<string, { query: string; survives: (data: any) => unknown; lost: (data: any) => unknown }> = {
    communities: {
      query: `{ community(code: "${COMMUNITY}") { name } organizations(first: 1) { totalCount } }`,
      survives: (data) => data.organizations.totalCount,
      lost: (data) => data.community,
    },
    organizations: {
      query: `{ community(code: "${COMMUNITY}") { name households organizations(first: 1) { totalCount } } organizations(first: 1) { totalCount } }`,
      survives: (data) => data.community.name,
      lost: (data) => data.community.organizations ?? data.organizations,
    },
    housing: {
      query: `{ community(code: "${COMMUNITY}") { name premises(first: 1) { totalCount } premisesCompliance { shortfall } } }`,
      survives: (data) => data.community.name,
      lost: (data) => data.community.premises ?? data.community.premisesCompliance,
    },
    procurement: {
      query: `{ community(code: "${COMMUNITY}") { name procurementProjects(first: 1) { totalCount } } catalogue { code } }`,
      survives: (data) => data.community.name,
      lost: (data) => data.community.procurementProjects ?? data.catalogue,
    },
    facilities: {
      query: `{ community(code: "${COMMUNITY}") { name sharedFacilities(first: 1) { totalCount } } facilities(first: 1) { totalCount } }`,
      survives: (data) => data.community.name,
      lost: (data) => data.community.sharedFacilities ?? data.facilities,
    },
  };

  test.each(subgraphs.map((s) => s.name))('with %s stopped, the other subgraphs still answer their fields', async (name) => {
    const outage = outages[name];
    if (!outage) throw new Error(`No outage scenario for the ${name} subgraph: add one to this table.`);
    const server = graph.subgraphs.find((s) => s.name === name)!;
    const port = Number(new URL(graph.subgraphUrls[name]!).port);
    await closeServer(server.http, 0);
    try {
      const { body } = await graph.request(outage.query);
      expect(body.data).not.toBeNull();
      expect(outage.survives(body.data)).toBeTruthy();
      expect(outage.lost(body.data)).toBeNull();
      expect(body.errors?.map((e) => e.extensions?.code)).toContain('SERVICE_UNAVAILABLE');
    } finally {
      await listen(server.http, port, '127.0.0.1', name);
    }
    expect((await graph.request(outage.query)).body.errors).toBeUndefined();
  });

  // Only PostgreSQL can lose its connections under a running graph; PGlite lives in-process.
  if (databaseKind() === 'postgres') {
    test('losing the database (PostgreSQL: connections terminated) is SERVICE_UNAVAILABLE, then the graph recovers', async () => {
      const name = new URL(testDatabaseUrl(graph.database)!).pathname.slice(1);
      await withAdmin((admin) =>
        admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]),
      );
      const codes = new Set<unknown>();
      for (let i = 0; i < 5; i++) {
        const { body } = await graph.request(`{ community(code: "${COMMUNITY}") { name } }`);
        for (const error of body.errors ?? []) codes.add(error.extensions?.code);
      }
      expect([...codes].filter((code) => code !== 'SERVICE_UNAVAILABLE')).toEqual([]);
      const { body } = await graph.request(`{ community(code: "${COMMUNITY}") { name } }`);
      expect(body.data?.community?.name).toBeTruthy();
    });
  }
});

describe('domain figures that contradict the rules', () => {
  test('a population below the households is refused, naming the field, and nothing changes', async () => {
    const token = await tokenFor({ roles: ['CITY_ADMIN'], area: '510100000000' });
    const before = (await graph.request(`{ community(code: "${COMMUNITY}") { households population version } }`)).body.data!.community;
    const { body } = await graph.request(
      `mutation { updateCommunity(input: { code: "${COMMUNITY}", expectedVersion: ${before.version}, population: 1 }) { community { code } } }`,
      { token },
    );
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.population' });
    const lowerHouseholds = await graph.request(
      `mutation { updateCommunity(input: { code: "${COMMUNITY}", expectedVersion: ${before.version}, households: ${before.population + 1} }) { community { code } } }`,
      { token },
    );
    expect(lowerHouseholds.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.households' });
    const after = (await graph.request(`{ community(code: "${COMMUNITY}") { households population version } }`)).body.data!.community;
    expect(after).toEqual(before);
  });

  test('a civil-affairs credit code from another region than the registration area is refused', async () => {
    const token = await tokenFor({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510108000000' });
    const { body } = await graph.request(
      `mutation { registerOrganization(input: { name: "锦城互助服务中心", kind: SOCIAL_SERVICE_AGENCY, creditCode: "52110108MJ7654321G", registrationAreaCode: "510108000000", registrationDate: "2020-01-01" }) { organization { id } } }`,
      { token },
    );
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.creditCode' });
  });
});
