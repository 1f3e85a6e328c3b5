/**
 * `npm run bench [-- --scale N --seconds 5 --concurrency 16 --only NAME --processes --reuse]`:
 * for the demo city (1×) and, when N > 1, the city at N×, seeds a fresh database (PostgreSQL
 * on DATABASE_URL's server, named `<its database>_<scale>`, or embedded PGlite), starts the whole
 * graph (in this process, or with --processes one process per service as deployed), and drives
 * every scenario with a fixed number of concurrent clients for a fixed time: through the
 * gateway, straight to the owning subgraph, and as plain SQL (the floor). It reports latency
 * percentiles, the ratios gateway/subgraph, subgraph/SQL and N×/1×, SQL statements per request
 * (in this process only: counted where the subgraphs send them) and in-flight merges at the
 * gateway. Results go to bench/results/<time>.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { signToken } from '../lib/auth';
import { loadConfig, type Config } from '../lib/config';
import { migrate, type Database } from '../lib/db';
import { createLogger } from '../lib/log';
import { openConfiguredDatabase } from '../lib/runtime';
import { seedScale, type ScaleSummary } from '../prisma/seed/scale';
import { launchGraph } from '../scripts/launch';
import { loadSubgraphs, subgraphDefaults, subgraphs } from '../subgraphs';
import type { BenchRequest, Scenario, ScenarioContext, ScenarioFactory } from './scenarios/types';

const SECRET = 'bench-secret-bench-secret-bench-secret-0001';

interface Options {
  seconds: number;
  concurrency: number;
  only?: string;
  processes: boolean;
  reuse: boolean;
}

interface Measure {
  requests: number;
  errors: number;
  requestsPerSecond: number;
  p50ms: number;
  p95ms: number;
  p99ms: number;
  /** SQL statements the subgraphs (or the floor) sent per request; null when not countable. */
  statementsPerRequest: number | null;
  firstError?: unknown;
}

interface ScenarioResult {
  scenario: string;
  description: string;
  gateway: Measure & { merged: number };
  subgraph?: Measure & { name: string; note?: string };
  sql?: Measure;
  /** Gateway p50 over the subgraph's, subgraph p50 over the floor's. */
  gatewayOverSubgraph?: number;
  subgraphOverSql?: number;
}

/** Every subgraph's scenarios, from the modules in bench/scenarios/. */
async function loadScenarios(context: ScenarioContext): Promise<Scenario[]> {
  const dir = path.join(__dirname, 'scenarios');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'types.ts').sort();
  const factories = await Promise.all(files.map(async (f) => ((await import(path.join(dir, f))) as { default: ScenarioFactory }).default));
  // Reads first: the writes change the data the reads are measured on.
  return (await Promise.all(factories.map((factory) => factory(context)))).flat().sort((a, b) => Number(!a.subgraph) - Number(!b.subgraph));
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (value: number, digits = 2) => +value.toFixed(digits);

/**
 * Runs `send(i)` from `concurrency` clients for `seconds` after a short warm-up; i counts up
 * across all clients, so consecutive requests have different parameters.
 */
async function drive(send: (i: number) => Promise<unknown>, options: Options, statements?: () => number): Promise<Measure> {
  let counter = 0;
  const latencies: number[] = [];
  let errors = 0;
  let firstError: unknown;
  const run = async (deadline: number, record: boolean) => {
    while (Date.now() < deadline) {
      const started = performance.now();
      let problem: unknown;
      try {
        const answer = await send(counter++);
        if (answer && typeof answer === 'object' && 'errors' in answer && (answer as { errors?: unknown[] }).errors) problem = (answer as { errors: unknown[] }).errors[0];
      } catch (error) {
        problem = error instanceof Error ? error.message : error;
      }
      if (!record) continue;
      latencies.push(performance.now() - started);
      if (problem !== undefined) {
        errors++;
        firstError ??= problem;
      }
    }
  };
  const warmup = Date.now() + Math.min(2000, options.seconds * 200);
  await Promise.all(Array.from({ length: options.concurrency }, () => run(warmup, false)));
  const before = statements?.();
  const started = Date.now();
  await Promise.all(Array.from({ length: options.concurrency }, () => run(started + options.seconds * 1000, true)));
  const after = statements?.();
  const elapsed = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    requestsPerSecond: Math.round(latencies.length / elapsed),
    p50ms: round(percentile(latencies, 50), 1),
    p95ms: round(percentile(latencies, 95), 1),
    p99ms: round(percentile(latencies, 99), 1),
    // The requests of the warm-up's tail still running when counting started make this approximate to ±concurrency/requests.
    statementsPerRequest: before === undefined || after === undefined ? null : round((after - before) / Math.max(1, latencies.length), 1),
    ...(firstError === undefined ? {} : { firstError }),
  };
}

function post(url: string, request: BenchRequest): Promise<unknown> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(request.token ? { authorization: `Bearer ${request.token}` } : {}) },
    body: JSON.stringify({ query: request.query, variables: request.variables }),
  }).then(async (response) => {
    const body = (await response.json()) as { errors?: unknown[] };
    if (!response.ok && !body.errors) return { errors: [response.status] };
    return body;
  });
}

/** The gateway's count of merged subgraph requests, from its /metrics. */
async function mergedSoFar(gatewayUrl: string): Promise<number> {
  const text = await fetch(gatewayUrl.replace(/\/graphql$/, '/metrics')).then((r) => r.text());
  return text
    .split('\n')
    .filter((line) => line.startsWith('graphql_gateway_subgraph_fetch_merged_total'))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

interface RunningBench {
  gatewayUrl: string;
  subgraphUrls: Record<string, string>;
  database: Database;
  /** Statements sent by the subgraphs so far (in this process only). */
  statements?: () => number;
  stop(): Promise<void>;
}

/** A fresh database for one scale: PGlite in a temporary directory, or `<DATABASE_URL's database>_<scale>`. */
async function prepareDatabase(scale: number, options: Options): Promise<{ url?: string; dataDir: string; drop(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crg-bench-'));
  const base = process.env.DATABASE_URL;
  if (!base) return { dataDir, drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  const url = new URL(base);
  const name = `${url.pathname.slice(1) || 'postgres'}_${scale}`;
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`Benchmark database name ${name} must be lower-case letters, digits and _.`);
  // The server's maintenance database: DATABASE_URL's own need not exist, it only names the prefix.
  const adminUrl = new URL(base);
  adminUrl.pathname = '/postgres';
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl.toString() });
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const exists = (await admin(`SELECT 1 FROM pg_database WHERE datname = '${name}'`)).rowCount === 1;
  if (exists && !options.reuse) await admin(`DROP DATABASE ${name} WITH (FORCE)`);
  if (!exists || !options.reuse) await admin(`CREATE DATABASE ${name}`);
  url.pathname = `/${name}`;
  return { url: url.toString(), dataDir, drop: async () => void (options.reuse ? undefined : await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)) };
}

async function benchScale(scale: number, options: Options): Promise<{ seed: ScaleSummary; results: ScenarioResult[] }> {
  const target = await prepareDatabase(scale, options);
  const ports = Object.fromEntries(subgraphs.map((s) => [`${s.name.toUpperCase()}_PORT`, '0']));
  const config = loadConfig(
    // The benchmark measures throughput, not the rate limiter's refusals.
    { ...process.env, DATABASE_URL: target.url, LOG_LEVEL: 'silent', JWT_SECRET: SECRET, GATEWAY_PORT: '0', RATE_LIMIT_POINTS: '0', DATA_DIR: target.dataDir, ...ports },
    subgraphDefaults(),
  );
  const database = await openConfiguredDatabase(config);
  let graph: RunningBench | undefined;
  try {
    await migrate(database);
    const seed = await seedScale(database, await loadSubgraphs(), scale);
    console.log(`\n${scale}×: ${JSON.stringify(seed)}`);
    graph = options.processes ? await startProcesses(config, database) : await startInProcess(config, database);
    const running = graph;
    let floorStatements = 0;
    const scenarios = await loadScenarios({
      signToken: (claims) => signToken(SECRET, claims),
      query: (sql, params) => {
        floorStatements++;
        return database.query(sql, params);
      },
    });
    const results: ScenarioResult[] = [];
    for (const scenario of scenarios.filter((s) => !options.only || s.name === options.only)) {
      const mergedBefore = await mergedSoFar(running.gatewayUrl);
      const gateway = { ...(await drive((i) => post(running.gatewayUrl, scenario.request(i)), options, running.statements)), merged: 0 };
      gateway.merged = (await mergedSoFar(running.gatewayUrl)) - mergedBefore;
      const result: ScenarioResult = { scenario: scenario.name, description: scenario.description, gateway };
      if (scenario.subgraph) {
        const { name, note } = scenario.subgraph;
        const build = scenario.subgraph.request ?? ((i: number) => scenario.request(i));
        const url = running.subgraphUrls[name]!;
        result.subgraph = { ...(await drive((i) => post(url, build(i)), options, running.statements)), name, ...(note ? { note } : {}) };
        result.gatewayOverSubgraph = round(gateway.p50ms / result.subgraph.p50ms);
      }
      if (scenario.sql) {
        const sql = scenario.sql.bind(scenario);
        result.sql = await drive((i) => sql(i), options, () => floorStatements);
        if (result.subgraph) result.subgraphOverSql = round(result.subgraph.p50ms / result.sql.p50ms);
      }
      results.push(result);
      const line = (label: string, m?: Measure) =>
        m ? `${label} p50 ${String(m.p50ms).padStart(6)} p95 ${String(m.p95ms).padStart(6)} ${String(m.requestsPerSecond).padStart(5)}/s stmts ${m.statementsPerRequest ?? '–'} err ${m.errors}` : '';
      console.log(`${scenario.name.padEnd(30)} ${line('gateway', gateway)} merged ${gateway.merged}`);
      if (result.subgraph) console.log(`${''.padEnd(30)} ${line('subgraph', result.subgraph)}`);
      if (result.sql) console.log(`${''.padEnd(30)} ${line('sql', result.sql)}`);
      for (const m of [gateway, result.subgraph, result.sql]) if (m?.firstError !== undefined) console.log(`  first error: ${JSON.stringify(m.firstError).slice(0, 300)}`);
    }
    return { seed, results };
  } finally {
    await graph?.stop();
    await database.close();
    await target.drop();
  }
}

async function startInProcess(config: Config, database: Database): Promise<RunningBench> {
  let statements = 0;
  const graph = await launchGraph({ config, log: createLogger('silent', 'bench'), subgraphs, database, onQuery: () => void statements++ });
  return { gatewayUrl: graph.gatewayUrl, subgraphUrls: graph.subgraphUrls, database, statements: () => statements, stop: () => graph.stop() };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null) throw new Error(`${url} exited with ${child.exitCode}`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up`);
}

/**
 * `--processes`: every subgraph and the gateway in its own process, as docker-compose runs them,
 * over PostgreSQL (PGlite is one process by nature).
 */
async function startProcesses(config: Config, database: Database): Promise<RunningBench> {
  if (!config.databaseUrl) throw new Error('--processes needs DATABASE_URL: the embedded database lives inside one process.');
  const tsx = path.join(__dirname, '../node_modules/.bin/tsx');
  const children: ChildProcess[] = [];
  const env = { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', JWT_SECRET: SECRET, DATABASE_URL: config.databaseUrl, RATE_LIMIT_POINTS: '0' };
  const stop = async () => {
    await Promise.all(
      children.map((child) => (child.exitCode !== null ? undefined : new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM')))),
    );
  };
  try {
    const urls: Record<string, string> = {};
    for (const subgraph of subgraphs) {
      const port = await freePort();
      const child = spawn(tsx, ['scripts/start-subgraph.ts', subgraph.name], {
        cwd: path.join(__dirname, '..'),
        env: { ...env, [`${subgraph.name.toUpperCase()}_PORT`]: String(port) },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(child);
      await waitForHealth(`http://127.0.0.1:${port}/health`, child);
      urls[subgraph.name] = `http://127.0.0.1:${port}/graphql`;
    }
    const gatewayPort = await freePort();
    const gateway = spawn(tsx, ['gateway/src/index.ts'], {
      cwd: path.join(__dirname, '..'),
      env: { ...env, ...Object.fromEntries(Object.entries(urls).map(([name, url]) => [`${name.toUpperCase()}_URL`, url])), GATEWAY_PORT: String(gatewayPort) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(gateway);
    await waitForHealth(`http://127.0.0.1:${gatewayPort}/ready`, gateway);
    return { gatewayUrl: `http://127.0.0.1:${gatewayPort}/graphql`, subgraphUrls: urls, database, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

const ratio = (a?: number, b?: number) => (a === undefined || b === undefined ? '–' : (a / b).toFixed(2));

/** The short table: per scenario and scale, gateway p50, the ratios, statements; then N×/1×. */
function table(runs: { scale: number; results: ScenarioResult[] }[]): string {
  const names = [...new Set(runs.flatMap((r) => r.results.map((s) => s.scenario)))];
  const header = ['scenario', ...runs.flatMap((r) => [`${r.scale}× gw p50`, 'gw/sub', 'sub/sql', 'stmts', 'merged']), ...(runs.length > 1 ? [`${runs[1]!.scale}×/1× gw`, 'sub', 'sql'] : [])];
  const rows = names.map((name) => {
    const at = runs.map((r) => r.results.find((s) => s.scenario === name));
    const cells = at.flatMap((s) => [
      s ? `${s.gateway.p50ms}` : '–',
      s?.gatewayOverSubgraph?.toFixed(2) ?? '–',
      s?.subgraphOverSql?.toFixed(2) ?? '–',
      s?.gateway.statementsPerRequest?.toString() ?? '–',
      s ? `${s.gateway.merged}` : '–',
    ]);
    if (runs.length > 1) cells.push(ratio(at[1]?.gateway.p50ms, at[0]?.gateway.p50ms), ratio(at[1]?.subgraph?.p50ms, at[0]?.subgraph?.p50ms), ratio(at[1]?.sql?.p50ms, at[0]?.sql?.p50ms));
    return [name, ...cells];
  });
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: '1' },
      seconds: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '16' },
      only: { type: 'string' },
      processes: { type: 'boolean', default: false },
      reuse: { type: 'boolean', default: false },
    },
  });
  const options: Options = {
    seconds: Number(values.seconds),
    concurrency: Number(values.concurrency),
    only: values.only,
    processes: values.processes ?? false,
    reuse: values.reuse ?? false,
  };
  const scale = Number(values.scale);
  const scales = scale === 1 ? [1] : [1, scale];
  const runs = [];
  for (const s of scales) runs.push({ scale: s, ...(await benchScale(s, options)) });
  const report = {
    at: new Date().toISOString(),
    database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
    layout: options.processes ? 'one process per service' : 'one process',
    node: process.version,
    cpus: os.cpus().length,
    loadAverage: os.loadavg().map((l) => round(l)),
    seconds: options.seconds,
    concurrency: options.concurrency,
    runs,
  };
  const file = path.join(__dirname, 'results', `${report.at.replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\n${table(runs)}`);
  console.log(
    `\n${report.database}, ${report.layout}, ${options.concurrency} concurrent clients, ${options.seconds}s per measurement, load average ${report.loadAverage.join(' ')} → ${path.relative(process.cwd(), file)}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
