import http from 'node:http';
import { createGatewayServer } from '../../gateway/src/server';
import { listen } from '../../lib/edge/http';
import { createLogger } from '../../lib/runtime/log';
import { createVerifier } from '../../lib/runtime/process';
import { startTestGraph, testConfig, type TestGraph } from '../support/graph';
import { tokenFor } from '../support/tokens';

/** What the gateway itself guarantees: token checks, limits, CSRF, health, request ids, masking. */

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph({ seed: true, config: { MAX_QUERY_DEPTH: '7', MAX_QUERY_COST: '3000', BODY_LIMIT: '8kb' } });
});
afterAll(async () => {
  await graph?.stop();
});

const base = () => graph.gatewayUrl.replace(/\/graphql$/, '');

test('/health answers while alive and /ready once the supergraph is loaded and every subgraph answers', async () => {
  const health = await fetch(`${base()}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok' });
  const ready = await fetch(`${base()}/ready`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toMatchObject({ status: 'ready' });
});

test('a too-deep query is refused before planning, with a clear message and no SQL run', async () => {
  graph.statements.length = 0;
  const { status, body } = await graph.request(
    '{ area(code: "510108001001") { parent { parent { parent { parent { parent { parent { code } } } } } } } }',
  );
  expect(status).toBe(400);
  expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', maxDepth: 7 });
  expect(body.errors?.[0]?.message).toMatch(/levels deep; at most 7/);
  expect(graph.statements).toHaveLength(0);
});

test('fragments count towards depth too', async () => {
  const { body } = await graph.request(
    '{ area(code: "510108001001") { ...up } } fragment up on Area { parent { parent { parent { parent { parent { parent { code } } } } } } }',
  );
  expect(body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
});

test('a query that could return too many rows is refused by its cost, counting variables', async () => {
  const query = 'query ($n: Int) { areas(first: $n) { edges { node { children(first: $n) { edges { node { code name } } } } } } }';
  const costly = await graph.request(query, { variables: { n: 100 } });
  expect(costly.status).toBe(400);
  expect(costly.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', maxCost: 3000 });
  const modest = await graph.request(query, { variables: { n: 5 } });
  expect(modest.body.errors).toBeUndefined();
});

test('CSRF prevention refuses simple requests that a browser could forge', async () => {
  const get = await fetch(`${graph.gatewayUrl}?query=${encodeURIComponent('{ me { id } }')}`);
  expect(get.status).toBe(400);
  const textPlain = await fetch(graph.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: '{"query":"{ me { id } }"}',
  });
  expect(textPlain.status).toBe(400);
  const preflighted = await fetch(`${graph.gatewayUrl}?query=${encodeURIComponent('{ me { id } }')}`, {
    headers: { 'apollo-require-preflight': 'true' },
  });
  expect(preflighted.status).toBe(200);
});

test('a request body over the limit is refused with 413', async () => {
  const response = await fetch(graph.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `{ me { id } } # ${'x'.repeat(9000)}` }),
  });
  expect(response.status).toBe(413);
  expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('PAYLOAD_TOO_LARGE');
});

test('malformed JSON is a 400, not a crash', async () => {
  const response = await fetch(graph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
  expect(response.status).toBe(400);
});

test('a request id is generated when absent and forwarded to the subgraphs when given', async () => {
  const generated = await graph.request('{ me { id } }');
  expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

  const token = await tokenFor({ roles: ['CITY_ADMIN'], area: '510100000000' });
  const [{ version }] = (await graph.database.query<{ version: number }>(
    `SELECT version FROM communities.community WHERE code = '510104001001'`,
  )) as [{ version: number }];
  const response = await graph.request(
    'mutation ($v: Int) { updateCommunity(input: { code: "510104001001", expectedVersion: $v, households: 2024, reason: "trace" }) { community { households } } }',
    { token, variables: { v: version }, headers: { 'x-request-id': 'trace-abc-123' } },
  );
  expect(response.body.errors).toBeUndefined();
  expect(response.headers.get('x-request-id')).toBe('trace-abc-123');
  const rows = await graph.database.query<{ request_id: string }>(
    `SELECT request_id FROM communities.audit_event WHERE entity_id = '510104001001' ORDER BY id DESC LIMIT 1`,
  );
  expect(rows[0]?.request_id).toBe('trace-abc-123');
});

test('subgraphs verify the token themselves instead of trusting the network', async () => {
  const subgraph = graph.subgraphUrls.communities!;
  const forged = await fetch(subgraph, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer not.a.token' },
    body: JSON.stringify({ query: '{ me { id } }' }),
  });
  expect(forged.status).toBe(401);
  const anonymous = await fetch(subgraph, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ community(code: "510108001001") { contacts { committeePhone } } }' }),
  });
  const body = (await anonymous.json()) as { errors: { extensions: { code: string } }[] };
  expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
});

test('introspection is on outside production', async () => {
  const { body } = await graph.request('{ __schema { queryType { name } } }');
  expect(body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
});

describe('in production', () => {
  let production: TestGraph;
  beforeAll(async () => {
    production = await startTestGraph({ config: { NODE_ENV: 'production' } });
  });
  afterAll(async () => {
    await production?.stop();
  });

  test('introspection is off unless enabled', async () => {
    const { body } = await production.request('{ __schema { queryType { name } } }');
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  test('an unreachable subgraph is SERVICE_UNAVAILABLE with the request id, no stack and no internal address', async () => {
    const communities = production.subgraphs.find((s) => s.name === 'communities')!;
    communities.http.close();
    communities.http.closeAllConnections();
    const { body } = await production.request('{ area(code: "510108000000") { name } }');
    const error = body.errors?.[0];
    expect(error?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(error?.message).toBe('Part of the graph (communities) is unavailable; try again.');
    expect(error?.extensions?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|stack|\.ts:/);
    const ready = await fetch(production.gatewayUrl.replace(/\/graphql$/, '/ready'));
    expect(ready.status).toBe(503);
  });
});

test('a subgraph that does not answer fails the request at the deadline instead of holding it', async () => {
  const silent = http.createServer(() => undefined);
  const silentPort = await listen(silent, 0, '127.0.0.1', 'silent');
  const config = testConfig({ SUBGRAPH_TIMEOUT_MS: '300' });
  const gateway = await createGatewayServer({
    config,
    verifyToken: await createVerifier(config),
    log: createLogger('silent', 'gateway'),
    subgraphUrls: { ...graph.subgraphUrls, communities: `http://127.0.0.1:${silentPort}/graphql` },
  });
  const port = await listen(gateway.http, 0, '127.0.0.1', 'gateway');
  try {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ area(code: "510108000000") { name } }' }),
    });
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]).toMatchObject({
      message: 'Part of the graph (communities) did not answer within 300 ms; try again.',
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
  } finally {
    await gateway.close();
    silent.closeAllConnections();
    silent.close();
  }
});

test("Apollo's usage reporting is off: the gateway calls no one it was not configured to call", () => {
  // Without it @apollo/gateway exports metrics to Apollo and probes cloud metadata addresses.
  expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe('true');
});
