import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { demoProcurement } from '../../subgraphs/procurement/prisma/seed';
import { startTestGraph, type TestGraph } from '../support/graph';

/**
 * Every error body in the graph's shape with a request id, wherever the refusal comes from
 * (issues 19 and 20): Node's HTTP parser, Apollo's own HTTP checks, the CORS preflight, the
 * subgraphs' plain routes (OCDS, calendar feeds). And wherever a browser lands, a page from
 * this server, never Apollo's landing page from its CDN.
 */

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph({ seed: true });
});
afterAll(async () => {
  await graph?.stop();
});

const origin = (url: string) => url.replace(/\/graphql$/, '');

/** The body is exactly the graph's error shape, and its request id is the response's x-request-id. */
function expectGraphError(
  answer: { status: number; requestId: string | null; body: unknown },
  status: number,
  code: string,
  extensions: Record<string, unknown> = {},
) {
  expect(answer).toEqual({
    status,
    requestId: expect.stringMatching(/^[\w.:-]+$/),
    body: { errors: [{ message: expect.any(String), extensions: { code, ...extensions, requestId: answer.requestId } }] },
  });
}

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  expect(response.headers.get('content-type')).toMatch(/json/);
  return { status: response.status, requestId: response.headers.get('x-request-id'), body: await response.json() };
}

/** A request written on a socket as is (fetch would refuse or rewrite it), and the answer parsed. */
function raw(url: string, request: string): Promise<{ status: number; requestId: string | null; body: unknown }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(request));
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('end', () => {
      const [head, body] = [text.slice(0, text.indexOf('\r\n\r\n')), text.slice(text.indexOf('\r\n\r\n') + 4)];
      resolve({
        status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)![1]),
        requestId: /^x-request-id: (.+)$/im.exec(head)?.[1]?.trim() ?? null,
        body: JSON.parse(body),
      });
    });
  });
}

describe('refusals before any route runs', () => {
  test.each(['gateway', 'procurement'])("oversized headers at the %s: 431 in the graph shape, not Node's own body", async (service) => {
    const url = service === 'gateway' ? graph.gatewayUrl : graph.subgraphUrls[service]!;
    const answer = await raw(url, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`);
    expectGraphError(answer, 431, 'HEADERS_TOO_LARGE');
  });

  test('a batched request is refused with a request id', async () => {
    const response = await fetch(graph.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'probe-batch' },
      body: JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]),
    });
    expectGraphError(
      { status: response.status, requestId: response.headers.get('x-request-id'), body: await response.json() },
      400,
      'BAD_REQUEST',
    );
    expect(response.headers.get('x-request-id')).toBe('probe-batch');
  });

  test("a refused origin's preflight is 403 with a body in the graph shape", async () => {
    const response = await fetch(graph.gatewayUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://portal.elsewhere.example', 'access-control-request-method': 'POST' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expectGraphError(
      { status: response.status, requestId: response.headers.get('x-request-id'), body: await response.json() },
      403,
      'FORBIDDEN',
    );
  });
});

describe('the plain routes', () => {
  test('OCDS: an unknown project is 404 NOT_FOUND, a malformed id 400 BAD_USER_INPUT, both in the graph shape', async () => {
    const base = origin(graph.subgraphUrls.procurement!);
    expectGraphError(await get(`${base}/ocds/releases/00000000-0000-4000-8000-000000000000`), 404, 'NOT_FOUND');
    expectGraphError(await get(`${base}/ocds/releases/not-a-project`), 400, 'BAD_USER_INPUT', { field: 'projectId', rule: 'NOT_AN_ID' });
    // A known project still answers its package.
    const known = await fetch(`${base}/ocds/releases/${demoProcurement().demo[0]!.id}`);
    expect(known.status).toBe(200);
  });

  test('calendar feeds: a retired or unknown secret is 404, a malformed one 400, an unknown facility 404, in the graph shape', async () => {
    const base = origin(graph.subgraphUrls.facilities!);
    expectGraphError(await get(`${base}/calendars/bookers/${randomBytes(32).toString('base64url')}.ics`), 404, 'NOT_FOUND');
    expectGraphError(await get(`${base}/calendars/bookers/not-a-secret.ics`), 400, 'BAD_USER_INPUT', { field: 'secret' });
    expectGraphError(await get(`${base}/calendars/facilities/00000000-0000-4000-8000-000000000000.ics`), 404, 'NOT_FOUND');
    expectGraphError(await get(`${base}/calendars/facilities/nope.ics`), 400, 'BAD_USER_INPUT', { field: 'facilityId' });
  });
});

/** Every script or stylesheet a page loads, and where it points. */
function assetsOf(html: string): string[] {
  return [...html.matchAll(/<(?:script|link|img|iframe)\b[^>]*?\b(?:src|href)\s*=\s*["']?([^"' >]+)/gi)].map((match) => match[1]!);
}

async function landing(url: string) {
  const response = await fetch(url, { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  return response.text();
}

describe('where a browser lands, nothing comes from a CDN', () => {
  const offHost = (assets: string[]) => assets.filter((asset) => /^(?:[a-z]+:)?\/\//i.test(asset));

  test('development: the explorer at / and at /graphql (the URL npm start prints), every asset from the gateway', async () => {
    for (const url of [`${origin(graph.gatewayUrl)}/`, graph.gatewayUrl]) {
      const html = await landing(url);
      expect(html).toContain('explorer/graphiql.js');
      expect(offHost(assetsOf(html))).toEqual([]);
      for (const asset of assetsOf(html)) expect((await fetch(new URL(asset, url))).status).toBe(200);
    }
  });

  test('a subgraph opened in a browser: a plain local page', async () => {
    const html = await landing(graph.subgraphUrls.communities!);
    expect(offHost(assetsOf(html))).toEqual([]);
    expect(html).not.toMatch(/cdn|apollographql\.com/i);
  });

  test('production with the explorer off: a plain local page at / and /graphql', async () => {
    const production = await startTestGraph({ config: { NODE_ENV: 'production' } });
    try {
      for (const url of [`${origin(production.gatewayUrl)}/`, production.gatewayUrl, production.subgraphUrls.facilities!]) {
        const html = await landing(url);
        expect(html).not.toContain('graphiql');
        expect(assetsOf(html)).toEqual([]);
        expect(html).not.toMatch(/cdn|apollographql\.com/i);
      }
    } finally {
      await production.stop();
    }
  });
});
