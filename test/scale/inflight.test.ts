import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayServer, type GatewayServer } from '../../gateway/src/server';
import { createLogger } from '../../lib/runtime/log';
import { listen } from '../../lib/edge/http';
import { createVerifier } from '../../lib/runtime/process';
import { startTestGraph, testConfig, type TestGraph } from '../support/graph';
import { tokenFor } from '../support/tokens';

/**
 * A second gateway in front of the real subgraphs, through a proxy that counts what reaches
 * each subgraph and can hold requests: held, concurrent requests are surely in flight together,
 * so the counts do not depend on timing.
 */
interface CountingProxy {
  url: string;
  received: { authorization: string | undefined; body: string }[];
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

async function countingProxy(target: string): Promise<CountingProxy> {
  const received: CountingProxy['received'] = [];
  let gate: Promise<void> | undefined;
  let open: () => void = () => undefined;
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    received.push({ authorization: req.headers.authorization, body });
    await gate;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    const answer = await fetch(target, { method: 'POST', headers, body });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(await answer.text());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    received,
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release() {
      open();
      gate = undefined;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Polls a count until it reaches `wanted` (fails the test if it never does). */
async function until(count: () => number, wanted: number): Promise<void> {
  for (let attempt = 0; attempt < 400 && count() < wanted; attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(count()).toBe(wanted);
}

describe('identical subgraph requests in flight are merged', () => {
  let graph: TestGraph;
  let proxy: CountingProxy;
  let gateway: GatewayServer;
  let gatewayUrl: string;

  beforeAll(async () => {
    graph = await startTestGraph({ seed: true });
    proxy = await countingProxy(graph.subgraphUrls.communities!);
    const config = testConfig();
    gateway = await createGatewayServer({
      config,
      verifyToken: await createVerifier(config),
      log: createLogger('silent', 'gateway'),
      subgraphUrls: { ...graph.subgraphUrls, communities: proxy.url },
    });
    const port = await listen(gateway.http, 0, '127.0.0.1', 'gateway');
    gatewayUrl = `http://127.0.0.1:${port}/graphql`;
  });
  afterAll(async () => {
    proxy?.release();
    await gateway?.close();
    await proxy?.close();
    await graph?.stop();
  });
  beforeEach(() => {
    proxy.received.length = 0;
  });

  const post = (query: string, variables: Record<string, unknown>, token?: string) =>
    fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    }).then((r) => r.json() as Promise<{ data?: any; errors?: { extensions?: { code?: string } }[] }>);

  const PAGE = 'query ($first: Int!) { communities(first: $first) { totalCount edges { node { code name households } } } }';

  test('five identical concurrent queries reach the subgraph once and all get the answer', async () => {
    const before = { ...gateway.inflight };
    proxy.hold();
    const answers = Promise.all(Array.from({ length: 5 }, () => post(PAGE, { first: 7 })));
    await until(() => proxy.received.length, 1);
    await until(() => gateway.inflight.merged - before.merged, 4);
    proxy.release();
    const bodies = await answers;
    expect(proxy.received).toHaveLength(1);
    expect(bodies[0]!.data.communities.edges).toHaveLength(7);
    for (const body of bodies) expect(body).toEqual(bodies[0]);
    expect(gateway.inflight.sent - before.sent).toBe(1);
  });

  test('different variables or a different Authorization are not merged', async () => {
    const before = { ...gateway.inflight };
    const alice = await tokenFor({ roles: ['RESIDENT'], area: '510104001001', sub: 'alice' });
    const bob = await tokenFor({ roles: ['RESIDENT'], area: '510104001001', sub: 'bob' });
    proxy.hold();
    const answers = Promise.all([post(PAGE, { first: 3 }, alice), post(PAGE, { first: 3 }, bob), post(PAGE, { first: 4 }, alice)]);
    await until(() => proxy.received.length, 3);
    proxy.release();
    for (const body of await answers) expect(body.errors).toBeUndefined();
    expect(new Set(proxy.received.map((r) => r.authorization)).size).toBe(2);
    expect(gateway.inflight.merged - before.merged).toBe(0);
  });

  test('identical concurrent mutations are each sent', async () => {
    const before = { ...gateway.inflight };
    const token = await tokenFor({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510104000000', sub: 'officer' });
    const code = '510104001001';
    const current = await post('query ($c: AreaCode!) { community(code: $c) { version } }', { c: code });
    const input = { code, expectedVersion: current.data.community.version, households: 4100, reason: '年度核查' };
    const UPDATE = 'mutation ($input: UpdateCommunityInput!) { updateCommunity(input: $input) { community { version } } }';
    proxy.received.length = 0;
    proxy.hold();
    const answers = Promise.all(Array.from({ length: 3 }, () => post(UPDATE, { input }, token)));
    await until(() => proxy.received.length, 3);
    proxy.release();
    const bodies = await answers;
    // One wins the version; the others are refused as stale, which only separate requests can be.
    expect(bodies.filter((b) => b.data?.updateCommunity?.community).length).toBe(1);
    expect(bodies.filter((b) => b.errors?.[0]?.extensions?.code === 'CONFLICT').length).toBe(2);
    expect(gateway.inflight.merged - before.merged).toBe(0);
  });
});
