import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { browserAvailable, browserTest, launchChromium } from '../support/browser';
import { startTestGraph, type TestGraph } from '../support/graph';
import { tokenFor } from '../support/tokens';

/**
 * A portal served from another origin calls the gateway from a real browser (Debian's headless
 * Chromium): an allowed origin gets data with a bearer token, any other origin is refused by
 * the browser because the gateway does not allow it.
 */

function servePage(): Promise<{ server: http.Server; origin: string }> {
  const server = http.createServer((_, res) =>
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>portal</title>'),
  );
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

let graph: TestGraph;
let browser: Browser | undefined;
let allowed: { server: http.Server; origin: string };
let other: { server: http.Server; origin: string };

beforeAll(async () => {
  allowed = await servePage();
  other = await servePage();
  graph = await startTestGraph({ config: { CORS_ORIGINS: allowed.origin } });
  if (browserAvailable) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await graph?.stop();
  allowed?.server.close();
  other?.server.close();
});

async function queryFrom(origin: string, token: string): Promise<unknown> {
  const page = await browser!.newPage();
  try {
    await page.goto(origin);
    return await page.evaluate(
      async ([url, bearer]) => {
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
            body: JSON.stringify({ query: '{ me { id roles } }' }),
          });
          return { status: response.status, body: await response.json() };
        } catch (error) {
          return { refused: String(error) };
        }
      },
      [graph.gatewayUrl, token] as const,
    );
  } finally {
    await page.close();
  }
}

browserTest('a page from an allowed origin queries the gateway with a token and gets data', async () => {
  const token = await tokenFor({ sub: 'portal-user', roles: ['RESIDENT'], area: '510108001001' });
  expect(await queryFrom(allowed.origin, token)).toEqual({
    status: 200,
    body: { data: { me: { id: 'portal-user', roles: ['RESIDENT'] } } },
  });
});

browserTest('a page from an origin not allowed is refused by the browser', async () => {
  const token = await tokenFor({ roles: ['RESIDENT'], area: '510108001001' });
  expect(await queryFrom(other.origin, token)).toEqual({ refused: expect.stringMatching(/Failed to fetch/) });
});

test('preflights: the allowed origin gets its own origin and the headers it may send; another gets 403', async () => {
  const preflight = (origin: string) =>
    fetch(graph.gatewayUrl, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
  const ok = await preflight(allowed.origin);
  expect(ok.status).toBe(204);
  expect(ok.headers.get('access-control-allow-origin')).toBe(allowed.origin);
  expect(ok.headers.get('access-control-allow-headers')).toMatch(/authorization/);
  expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
  const refused = await preflight(other.origin);
  expect(refused.status).toBe(403);
  expect(refused.headers.get('access-control-allow-origin')).toBeNull();
});

test('an OPTIONS that is no preflight (it names no method) is not answered as one, even from the allowed origin', async () => {
  const response = await fetch(graph.gatewayUrl, { method: 'OPTIONS', headers: { origin: allowed.origin } });
  expect(response.headers.get('access-control-allow-methods')).toBeNull();
  expect(response.headers.get('access-control-allow-origin')).toBe(allowed.origin);
  // It reaches Apollo, which serves GET and POST only and answers in the graph's error shape.
  expect(response.status).toBe(400);
  expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
});
