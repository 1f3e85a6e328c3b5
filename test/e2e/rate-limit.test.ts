import { createGatewayServer, type GatewayServer } from '../../gateway/src/server';
import { listen } from '../../lib/edge/http';
import { createLogger } from '../../lib/runtime/log';
import { createVerifier } from '../../lib/runtime/process';
import { databaseKind, testDatabaseUrl } from '../support/database';
import { startTestGraph, testConfig, type TestGraph } from '../support/graph';
import { tokenFor } from '../support/tokens';

/** Rate limits by operation cost, per caller and per role, refused with 429 and Retry-After. */

const LIMITS = {
  RATE_LIMIT_POINTS: '100',
  RATE_LIMIT_ANONYMOUS_POINTS: '30',
  RATE_LIMIT_ROLES: 'CITY_ADMIN=1000',
  RATE_LIMIT_WINDOW: '60s',
};
// Costs 2: the field and its one leaf.
const CHEAP = '{ community(code: "510108001001") { name } }';

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph({ config: LIMITS });
});
afterAll(async () => {
  await graph?.stop();
});

async function spendUntilRefused(send: () => ReturnType<TestGraph['request']>, most: number) {
  for (let i = 1; i <= most; i++) {
    const response = await send();
    if (response.status === 429) return { accepted: i - 1, response };
  }
  return { accepted: most, response: undefined };
}

test('an anonymous caller spends its cost budget, then gets 429 with Retry-After and RATE_LIMITED', async () => {
  const { accepted, response } = await spendUntilRefused(() => graph.request(CHEAP), 40);
  expect(accepted).toBe(15);
  expect(response!.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(Number(response!.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(response!.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
  // Health, readiness and metrics are never limited.
  const base = graph.gatewayUrl.replace(/\/graphql$/, '');
  for (const route of ['/health', '/ready', '/metrics']) expect((await fetch(`${base}${route}`)).status).toBe(200);
});

test('a costly operation spends more of the budget than a cheap one', async () => {
  const token = await tokenFor({ sub: 'costly-resident', roles: ['RESIDENT'], area: '510108001001' });
  // 1 + 10 × (edges 1 + node 1 + code 1) = 31 points: three fit in 100, the fourth does not.
  const page = '{ communities(first: 10) { edges { node { code } } } }';
  const { accepted } = await spendUntilRefused(() => graph.request(page, { token }), 10);
  expect(accepted).toBe(3);
});

test('each caller has its own budget, and a role can have a larger one', async () => {
  const resident = await tokenFor({ sub: 'resident-a', roles: ['RESIDENT'], area: '510108001001' });
  const admin = await tokenFor({ sub: 'admin-a', roles: ['CITY_ADMIN', 'RESIDENT'], area: '510100000000' });
  expect((await spendUntilRefused(() => graph.request(CHEAP, { token: resident }), 60)).accepted).toBe(50);
  // Another subject is untouched by the first one's spending; the admin's budget is 1000.
  expect((await spendUntilRefused(() => graph.request(CHEAP, { token: admin }), 120)).accepted).toBe(120);
});

// Shared counters need a database the gateways share: only meaningful on PostgreSQL.
if (databaseKind() === 'postgres') {
  test('two gateway replicas share one budget through PostgreSQL (RATE_LIMIT_DATABASE_URL)', async () => {
    const config = testConfig({ ...LIMITS, RATE_LIMIT_DATABASE_URL: testDatabaseUrl(graph.database)! });
    const replicas: GatewayServer[] = [];
    try {
      const urls: string[] = [];
      for (let i = 0; i < 2; i++) {
        const gateway = await createGatewayServer({
          config,
          verifyToken: await createVerifier(config),
          log: createLogger('silent', 'gw'),
          subgraphUrls: graph.subgraphUrls,
        });
        replicas.push(gateway);
        urls.push(`http://127.0.0.1:${await listen(gateway.http, 0, '127.0.0.1', `gateway-${i}`)}/graphql`);
      }
      const token = await tokenFor({ sub: 'shared-resident', roles: ['RESIDENT'], area: '510108001001' });
      const statuses: number[] = [];
      for (let i = 0; i < 60; i++) {
        const response = await fetch(urls[i % 2]!, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: CHEAP }),
        });
        statuses.push(response.status);
      }
      // 100 points at 2 a request, across both replicas together.
      expect(statuses.filter((s) => s === 200)).toHaveLength(50);
      expect(statuses.slice(50).every((s) => s === 429)).toBe(true);
    } finally {
      for (const gateway of replicas) await gateway.close();
    }
  });
}
