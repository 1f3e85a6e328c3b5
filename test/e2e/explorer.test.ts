import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { browserAvailable, browserTest, launchChromium } from '../support/browser';
import { startTestGraph, type TestGraph } from '../support/graph';

/** GraphiQL at the gateway's address, from the installed packages, working offline. */

let graph: TestGraph;
let browser: Browser | undefined;
beforeAll(async () => {
  graph = await startTestGraph({ seed: true });
  if (browserAvailable) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await graph?.stop();
});

const base = () => graph.gatewayUrl.replace(/graphql$/, '');

browserTest('the page loads with no network beyond the gateway, runs a query and shows the result', async () => {
  const context = await browser!.newContext();
  // Offline: any request that is not to the gateway fails, as on a government network.
  const outside: string[] = [];
  await context.route('**/*', (route) => {
    if (route.request().url().startsWith(base())) return route.continue();
    outside.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  try {
    await page.goto(`${base()}?query=${encodeURIComponent('{ area(code: "510105001001") { name } }')}`);
    await page.locator('.graphiql-execute-button').click();
    await page.locator('.result-window').getByText('清波社区').waitFor({ timeout: 20_000 });
    fs.mkdirSync(path.join(__dirname, '../../test-artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(__dirname, '../../test-artifacts/explorer.png') });
    expect(outside).toEqual([]);
  } finally {
    await context.close();
  }
});

test('the explorer is served to browsers only; GraphQL clients at / still get GraphQL', async () => {
  const html = await fetch(base(), { headers: { accept: 'text/html' } });
  expect(html.headers.get('content-type')).toMatch(/text\/html/);
  expect(await html.text()).toContain('explorer/graphiql.js');
  const asset = await fetch(`${base()}explorer/graphiql.js`);
  expect(asset.status).toBe(200);
  expect((await fetch(`${base()}explorer/../../package.json`)).status).not.toBe(200);
});

test('off under NODE_ENV=production unless enabled', async () => {
  const production = await startTestGraph({ config: { NODE_ENV: 'production' } });
  try {
    const response = await fetch(production.gatewayUrl.replace(/graphql$/, ''), { headers: { accept: 'text/html' } });
    expect(await response.text()).not.toContain('graphiql');
  } finally {
    await production.stop();
  }
});
