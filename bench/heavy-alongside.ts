/**
 * `npx tsx bench/heavy-alongside.ts [--seconds 10 --heavy 2]`: what the most expensive query
 * the limits accept does to everyone else (issue 19: 18 aliases of a nested bids query, priced
 * just under the limit, ran past 15 s and a trivial anonymous query sent meanwhile timed out).
 * Starts the demo city (embedded PGlite in a temporary directory, or DATABASE_URL) with the
 * default limits and no rate limit, builds the costliest accepted query from those limits and
 * the supergraph's cost directives, then measures a trivial anonymous query alone and while
 * `--heavy` clients send the costliest query back to back as a city administrator.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { buildSchema, parse } from 'graphql';
import { SUPERGRAPH_PATH } from '../gateway/src/server';
import { signToken } from '../lib/kernel/auth';
import { loadConfig } from '../lib/runtime/config';
import { fieldPrices } from '../lib/edge/cost';
import { operationCost } from '../lib/edge/limits';
import { createHttpClient } from '../lib/runtime/http-client';
import { createLogger } from '../lib/runtime/log';
import { openConfiguredDatabase } from '../lib/runtime/process';
import { apiSchemaSdl } from '../lib/build/schema-changes';
import { launchGraph } from '../scripts/launch';
import { subgraphDefaults, subgraphs } from '../subgraphs';
import { BENCH_SECRET, benchEnvironment } from './environment';

const TRIVIAL = '{ community(code: "510108001001") { name } }';
const CITY = '510100000000';

/**
 * The probe's family of queries: a page of the city's projects, each with its tenders' bids
 * nested through Bid.tender `levels` times, repeated under aliases. Of every page size and
 * nesting the depth limit allows, the one whose aliased copies cost the most without passing
 * MAX_QUERY_COST (nor MAX_QUERY_ALIASES).
 */
function costliestAccepted(limits: { maxCost: number; maxAliases: number; maxDepth: number; maxFields: number }) {
  const sdl = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
  const schema = buildSchema(apiSchemaSdl(sdl));
  const prices = fieldPrices(sdl);
  let best = { query: '', cost: 0, first: 0, levels: 0, aliases: 0 };
  for (let levels = 1; 4 + 2 * levels <= limits.maxDepth; levels++) {
    const nested = `tenders { ${'bids { tender { '.repeat(levels - 1)}bids { id }${' } }'.repeat(levels - 1)} }`;
    for (let first = 1; first <= 100; first++) {
      const one = `projects(within: "${CITY}", first: ${first}) { edges { node { ${nested} } } }`;
      const single = operationCost(
        schema,
        parse(`{ ${one.replace('projects', 'procurementProjects')} }`),
        {},
        { maxFields: limits.maxFields, prices },
      );
      const aliases = Math.min(limits.maxAliases, Math.floor(limits.maxCost / single));
      if (aliases < 1) continue;
      const query = `{ ${Array.from({ length: aliases }, (_, i) => `a${i}: ${one.replace('projects', 'procurementProjects')}`).join(' ')} }`;
      const cost = operationCost(schema, parse(query), {}, { maxFields: limits.maxFields, prices });
      if (cost <= limits.maxCost && cost > best.cost) best = { query, cost, first, levels, aliases };
    }
  }
  return best;
}

const client = createHttpClient();

async function send(url: string, query: string, token?: string): Promise<{ ms: number; ok: boolean; bytes: number }> {
  const started = performance.now();
  const response = await client.request(
    url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query }),
    },
    60_000,
  );
  const text = await response.text();
  return {
    ms: performance.now() - started,
    ok: response.ok && !(JSON.parse(text) as { errors?: unknown }).errors,
    bytes: Buffer.byteLength(text),
  };
}

function percentiles(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return { n: sorted.length, p50: at(0.5), p95: at(0.95) };
}

/** One client sending `query` back to back until `until`. */
async function loop(url: string, query: string, until: number, token?: string) {
  const results: { ms: number; ok: boolean; bytes: number }[] = [];
  while (Date.now() < until) results.push(await send(url, query, token));
  return results;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, heavy: { type: 'string', default: '2' } } });
  const seconds = Number(values.seconds);
  const heavyClients = Number(values.heavy);
  const env = benchEnvironment('heavy');
  const config = loadConfig(env, subgraphDefaults());
  const database = await openConfiguredDatabase(config);
  const graph = await launchGraph({ config, log: createLogger('silent', 'bench'), subgraphs, database, seed: true });
  try {
    const heavy = costliestAccepted(config.limits);
    const admin = await signToken(BENCH_SECRET, { sub: 'bench-city-admin', roles: ['CITY_ADMIN'], area: CITY });
    const probe = await send(graph.gatewayUrl, heavy.query, admin);
    console.log(
      `costliest accepted: ${heavy.aliases} aliases × procurementProjects(first: ${heavy.first}) with ${heavy.levels} level(s) of bids, cost ${heavy.cost} of ${config.limits.maxCost}; one run ${probe.ms.toFixed(0)} ms, ${probe.bytes} bytes, ${probe.ok ? 'ok' : 'errors'}`,
    );
    // Warm-up, not recorded.
    await loop(graph.gatewayUrl, TRIVIAL, Date.now() + 1000);
    const alone = percentiles((await loop(graph.gatewayUrl, TRIVIAL, Date.now() + seconds * 1000)).map((r) => r.ms));
    const until = Date.now() + seconds * 1000;
    const [trivial, ...heavies] = await Promise.all([
      loop(graph.gatewayUrl, TRIVIAL, until),
      ...Array.from({ length: heavyClients }, () => loop(graph.gatewayUrl, heavy.query, until, admin)),
    ]);
    const alongside = percentiles(trivial.map((r) => r.ms));
    const heavyRuns = heavies.flat();
    const heavyStats = percentiles(heavyRuns.map((r) => r.ms));
    console.log(`\n${database.kind}, ${seconds} s per phase, ${heavyClients} heavy client(s)\n`);
    console.log('| trivial anonymous query | requests | p50 ms | p95 ms |\n| --- | ---: | ---: | ---: |');
    console.log(`| alone | ${alone.n} | ${alone.p50.toFixed(1)} | ${alone.p95.toFixed(1)} |`);
    console.log(`| alongside the costliest accepted query | ${alongside.n} | ${alongside.p50.toFixed(1)} | ${alongside.p95.toFixed(1)} |`);
    console.log(
      `\nheavy: ${heavyStats.n} runs, p50 ${heavyStats.p50.toFixed(0)} ms, p95 ${heavyStats.p95.toFixed(0)} ms, ${heavyRuns.filter((r) => !r.ok).length} with errors; trivial with errors alongside: ${trivial.filter((r) => !r.ok).length}`,
    );
  } finally {
    await graph.stop();
    client.close();
    fs.rmSync(env.DATA_DIR, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
