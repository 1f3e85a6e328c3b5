import http from 'node:http';
import { SignJWT } from 'jose';
import { REGISTER, registration } from '../../subgraphs/organizations/test/support';
import { startTestGraph, type TestGraph } from '../support/graph';
import { TEST_SECRET } from '../support/tokens';

/**
 * Rules a mutation audit (issue 12) found untested, each through the real gateway, subgraphs and
 * database: every test here fails when its rule is broken (the note in README.md, "Mutation
 * testing", says which mutant each one kills).
 */

const ISSUER = 'https://idp.chengdu.example';
const BODY_LIMIT = 16 * 1024;

const CITY = '510100000000';
const CHENGHUA = '510108000000';
const CHENGHUA_STREET_1 = '510108001000';
const CHENGHUA_COMMUNITY = '510108001001';
const WUHOU_COMMUNITY = '510107001001'; // 吉福社区

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph({ seed: true, config: { JWT_ISSUER: ISSUER, BODY_LIMIT: String(BODY_LIMIT) } });
});
afterAll(async () => {
  await graph?.stop();
});

/** A token as the configured identity provider issues it; `claims` may override anything. */
function token(claims: Record<string, unknown>, issuer: string = ISSUER): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(typeof claims.sub === 'string' ? claims.sub : 'someone')
    .setIssuer(issuer)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(TEST_SECRET));
}

const officer = (role: string, area: string, sub = `${role.toLowerCase()}-${area}`) => token({ sub, roles: [role], area });

describe('tokens', () => {
  test('with JWT_ISSUER set, a token from another issuer is refused with 401, one from the issuer is accepted', async () => {
    const good = await officer('CITY_ADMIN', CITY, 'admin-1');
    const accepted = await graph.request('{ me { id } }', { token: good });
    expect(accepted.status).toBe(200);
    expect(accepted.body.data).toEqual({ me: { id: 'admin-1' } });

    const foreign = await token({ sub: 'admin-1', roles: ['CITY_ADMIN'], area: CITY }, 'https://idp.elsewhere.example');
    const refused = await graph.request('{ me { id } }', { token: foreign });
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(refused.body.data).toBeUndefined();
  });

  test('a token with an empty roles list is refused with 401, not treated as a caller without roles', async () => {
    const noRoles = await token({ sub: 'nobody', roles: [], area: CHENGHUA });
    const { status, body } = await graph.request('{ me { id roles } }', { token: noRoles });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0]?.message).toMatch(/roles/);
  });
});

describe('updating a community', () => {
  const UPDATE = `mutation ($input: UpdateCommunityInput!) { updateCommunity(input: $input) { community { households version } } }`;

  test("a district officer cannot update another district's community, and the row is unchanged", async () => {
    const readRow = () =>
      graph.database.query<{ households: number; version: number }>(
        'SELECT households, version FROM communities.community WHERE code = $1',
        [WUHOU_COMMUNITY],
      );
    const before = await readRow();
    const chenghua = await officer('DISTRICT_CIVIL_AFFAIRS', CHENGHUA);
    const { body } = await graph.request(UPDATE, { token: chenghua, variables: { input: { code: WUHOU_COMMUNITY, households: 7 } } });
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(body.data?.updateCommunity ?? null).toBeNull();
    expect(await readRow()).toEqual(before);
    expect(before[0]!.households).not.toBe(7);
  });
});

describe('the area ladder', () => {
  test("a community's district is its district, not its city; its ancestors are exactly city, district, street", async () => {
    const { body } = await graph.request(
      `query ($c: AreaCode!) { community(code: $c) { district { code level } street { code } area { ancestors { code level } } } }`,
      { variables: { c: CHENGHUA_COMMUNITY } },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.community).toEqual({
      district: { code: CHENGHUA, level: 'DISTRICT' },
      street: { code: CHENGHUA_STREET_1 },
      area: {
        ancestors: [
          { code: CITY, level: 'CITY' },
          { code: CHENGHUA, level: 'DISTRICT' },
          { code: CHENGHUA_STREET_1, level: 'STREET' },
        ],
      },
    });
  });
});

describe('pages', () => {
  const PAGE = `query ($first: Int, $after: String) { communities(filter: { within: "${CHENGHUA}" }, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { code } } } }`;

  test('a last page that is exactly full has no next page', async () => {
    const first = await graph.request(PAGE, { variables: { first: 10 } });
    expect(first.body.data?.communities.totalCount).toBe(20);
    expect(first.body.data?.communities.pageInfo.hasNextPage).toBe(true);
    const last = await graph.request(PAGE, { variables: { first: 10, after: first.body.data?.communities.pageInfo.endCursor } });
    expect(last.body.data?.communities.edges).toHaveLength(10);
    expect(last.body.data?.communities.pageInfo.hasNextPage).toBe(false);
    const whole = await graph.request(PAGE, { variables: { first: 20 } });
    expect(whole.body.data?.communities.edges).toHaveLength(20);
    expect(whole.body.data?.communities.pageInfo.hasNextPage).toBe(false);
  });
});

describe('organisations', () => {
  test('serviceAreaCodes for a page of organisations cost as many statements for 50 as for 10', async () => {
    const query = 'query ($n: Int) { organizations(first: $n) { edges { node { id serviceAreaCodes } } } }';
    const count = async (n: number) => {
      graph.statements.length = 0;
      const { body } = await graph.request(query, { variables: { n } });
      expect(body.errors).toBeUndefined();
      const edges = body.data?.organizations.edges as { node: { serviceAreaCodes: string[] } }[];
      expect(edges).toHaveLength(n);
      expect(edges.filter((edge) => edge.node.serviceAreaCodes.length > 0).length).toBeGreaterThan(n / 2);
      return graph.statements.length;
    };
    const forTen = await count(10);
    expect(await count(50)).toBe(forTen);
    expect(forTen).toBeLessThanOrEqual(3);
  });

  test('an organisation serving the whole province is found for a community under it', async () => {
    const authority = await officer('DISTRICT_CIVIL_AFFAIRS', '510104000000');
    const name = '四川省全域志愿服务联合会测试';
    const registered = await graph.request(REGISTER, {
      token: authority,
      variables: { input: registration({ name, serviceAreaCodes: ['510000000000'], categories: ['LEGAL_AID'] }) },
    });
    expect(registered.body.errors).toBeUndefined();
    const id = registered.body.data?.registerOrganization.organization.id as string;

    const found = await graph.request(
      `query ($c: AreaCode!) { organizations(filter: { servesArea: $c, nameContains: "全域志愿" }) { edges { node { id serviceAreaCodes } } } }`,
      { variables: { c: CHENGHUA_COMMUNITY } },
    );
    expect(found.body.errors).toBeUndefined();
    expect(found.body.data?.organizations.edges).toEqual([{ node: { id, serviceAreaCodes: ['510000000000'] } }]);

    // supplyByCategory reads the same enclosing prefixes: the organisation counts for the community.
    const supply = await graph.request('query ($c: AreaCode!) { supplyByCategory(within: $c) { category activeOrganizations } }', {
      variables: { c: CHENGHUA_COMMUNITY },
    });
    const withIt = supply.body.data?.supplyByCategory.find((row: { category: string }) => row.category === 'LEGAL_AID').activeOrganizations;
    const elsewhere = await graph.request('query ($c: AreaCode!) { supplyByCategory(within: $c) { category activeOrganizations } }', {
      variables: { c: '320100000000' },
    });
    expect(
      elsewhere.body.data?.supplyByCategory.find((row: { category: string }) => row.category === 'LEGAL_AID').activeOrganizations,
    ).toBe(0);
    expect(withIt).toBeGreaterThanOrEqual(1);
  });
});

describe('request bodies', () => {
  /** POSTs `size` bytes of JSON in chunks (Transfer-Encoding: chunked, no Content-Length). */
  function postChunked(url: string, size: number): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const request = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on('error', reject);
      const head = '{"query":"{ me { id } }","extensions":{"padding":"';
      const tail = '"}}';
      request.write(head);
      let remaining = size - head.length - tail.length;
      const write = () => {
        while (remaining > 0) {
          const piece = 'x'.repeat(Math.min(1024, remaining));
          remaining -= piece.length;
          if (!request.write(piece)) return void request.once('drain', write);
        }
        request.end(tail);
      };
      write();
    });
  }

  test.each([
    ['the gateway', () => graph.gatewayUrl],
    ['a subgraph', () => graph.subgraphUrls.communities!],
  ])('%s refuses a chunked body over BODY_LIMIT that declares no Content-Length with 413', async (_, url) => {
    const refused = await postChunked(url(), BODY_LIMIT * 4);
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    // The same request under the limit is served.
    const served = await postChunked(url(), BODY_LIMIT / 2);
    expect(served.status).toBe(200);
  });
});
