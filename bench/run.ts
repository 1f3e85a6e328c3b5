/**
 * `npm run bench [-- --scale N --seconds 5 --concurrency 16 --only NAME --processes --reuse]`:
 * for the demo city (1×) and, when N > 1, the city at N×, seeds a fresh database (PostgreSQL
 * on DATABASE_URL's server, named `<its database>_<scale>`, or embedded PGlite), starts the whole
 * graph (in this process, or with --processes one process per service as deployed), and drives
 * every scenario with a fixed number of concurrent clients for a fixed time: through the
 * gateway, straight to the owning subgraph, and as plain SQL (the floor). It reports latency
 * percentiles, the ratios gateway/subgraph, subgraph/SQL and N×/1×, SQL statements per request
 * (in this process only: counted where the subgraphs send them) and in-flight merges at the
 * gateway. The scales run side by side and take turns per measurement. Results go to
 * bench/results/<time>.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { signToken } from '../lib/kernel/auth';
import { loadConfig, type Config } from '../lib/runtime/config';
import { migrate, type Database } from '../lib/runtime/db';
import { createHttpClient } from '../lib/runtime/http-client';
import { createLogger } from '../lib/runtime/log';
import { openConfiguredDatabase } from '../lib/runtime/process';
import { seedScale, type ScaleSummary } from '../seed/scale';
import { launchGraph } from '../scripts/launch';
import { loadSubgraphs, migrationTimelines } from '../scripts/subgraph-code';
import { subgraphDefaults, subgraphs } from '../subgraphs';
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
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== 'types.ts')
    .sort();
  const factories = await Promise.all(files.map(async (f) => ((await import(path.join(dir, f))) as { default: ScenarioFactory }).default));
  // Reads first: the writes change the data the reads are measured on.
  return (await Promise.all(factories.map((factory) => factory(context)))).flat().sort((a, b) => Number(!a.subgraph) - Number(!b.subgraph));
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (value: number, digits = 2) => +value.toFixed(digits);

interface Sample {
  latencies: number[];
  errors: number;
  firstError?: unknown;
  statements: number | null;
  seconds: number;
}

/**
 * Runs `send(i)` from `concurrency` clients for `seconds` after a short warm-up; i counts up
 * across all clients, so consecutive requests have different parameters.
 */
async function sample(
  send: (i: number) => Promise<unknown>,
  seconds: number,
  options: Options,
  statements?: () => number,
): Promise<Sample> {
  let counter = 0;
  const result: Sample = { latencies: [], errors: 0, statements: null, seconds: 0 };
  const run = async (deadline: number, record: boolean) => {
    while (Date.now() < deadline) {
      const started = performance.now();
      let problem: unknown;
      try {
        const answer = await send(counter++);
        if (answer && typeof answer === 'object' && 'errors' in answer && (answer as { errors?: unknown[] }).errors)
          problem = (answer as { errors: unknown[] }).errors[0];
      } catch (error) {
        problem = error instanceof Error ? error.message : error;
      }
      if (!record) continue;
      result.latencies.push(performance.now() - started);
      if (problem !== undefined) {
        result.errors++;
        result.firstError ??= problem;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, () => run(Date.now() + 500, false)));
  const before = statements?.();
  const started = Date.now();
  await Promise.all(Array.from({ length: options.concurrency }, () => run(started + seconds * 1000, true)));
  const after = statements?.();
  result.seconds = (Date.now() - started) / 1000;
  // The warm-up's last requests still running when counting started make this approximate to ±concurrency/requests.
  if (before !== undefined && after !== undefined) result.statements = after - before;
  return result;
}

function summarize(samples: Sample[]): Measure {
  const latencies = samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const seconds = samples.reduce((sum, s) => sum + s.seconds, 0);
  const counted = samples.every((s) => s.statements !== null);
  const firstError = samples.find((s) => s.firstError !== undefined)?.firstError;
  return {
    requests: latencies.length,
    errors: samples.reduce((sum, s) => sum + s.errors, 0),
    requestsPerSecond: Math.round(latencies.length / seconds),
    p50ms: round(percentile(latencies, 50), 1),
    p95ms: round(percentile(latencies, 95), 1),
    p99ms: round(percentile(latencies, 99), 1),
    statementsPerRequest: counted ? round(samples.reduce((sum, s) => sum + s.statements!, 0) / Math.max(1, latencies.length), 1) : null,
    ...(firstError === undefined ? {} : { firstError }),
  };
}

/**
 * The load generator's HTTP client: the services' own (node:http on keep-alive connections). In
 * one process it shares the event loop with what it measures, and Node's fetch (undici, web
 * streams) spent about 1.5 ms more CPU than this per 10 kB answer (bench/README.md), time charged
 * to the gateway and the subgraph but not to the SQL floor, which has no HTTP client.
 */
const loadClient = createHttpClient();
const REQUEST_TIMEOUT_MS = 60_000;

async function post(url: string, request: BenchRequest): Promise<unknown> {
  const response = await loadClient.request(
    url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(request.token ? { authorization: `Bearer ${request.token}` } : {}) },
      body: JSON.stringify({ query: request.query, variables: request.variables }),
    },
    REQUEST_TIMEOUT_MS,
  );
  const answer = (await response.json()) as { errors?: unknown[] };
  return !response.ok && !answer.errors ? { errors: [response.status] } : answer;
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
  return {
    url: url.toString(),
    dataDir,
    drop: async () => void (options.reuse ? undefined : await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

/** One scale's seeded database and running graph, with its scenarios read from its data. */
interface ScaleRun {
  scale: number;
  seed: ScaleSummary;
  graph: RunningBench;
  scenarios: Scenario[];
  floorStatements: () => number;
  close(): Promise<void>;
}

async function openScale(scale: number, options: Options): Promise<ScaleRun> {
  const target = await prepareDatabase(scale, options);
  const ports = Object.fromEntries(subgraphs.map((s) => [`${s.name.toUpperCase()}_PORT`, '0']));
  const config = loadConfig(
    // The benchmark measures throughput, not the rate limiter's refusals.
    {
      ...process.env,
      DATABASE_URL: target.url,
      LOG_LEVEL: 'silent',
      JWT_SECRET: SECRET,
      GATEWAY_PORT: '0',
      RATE_LIMIT_POINTS: '0',
      DATA_DIR: target.dataDir,
      ...ports,
    },
    subgraphDefaults(),
  );
  const database = await openConfiguredDatabase(config);
  let graph: RunningBench | undefined;
  const close = async () => {
    await graph?.stop();
    await database.close();
    await target.drop();
  };
  try {
    await migrate(database, migrationTimelines());
    const seed = await seedScale(database, await loadSubgraphs(), scale);
    console.log(`${scale}×: ${JSON.stringify(seed)}`);
    graph = options.processes ? await startProcesses(config, database) : await startInProcess(config, database);
    let floorStatements = 0;
    const scenarios = await loadScenarios({
      signToken: (claims) => signToken(SECRET, claims),
      query: (sql, params) => {
        floorStatements++;
        return database.query(sql, params);
      },
    });
    return { scale, seed, graph, scenarios, floorStatements: () => floorStatements, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Rounds per measurement: the scales take turns, so a change in the machine's load hits both. */
const ROUNDS = 3;

/**
 * Measures every scenario at every scale: gateway, then subgraph, then SQL, each in ROUNDS
 * short turns alternating between the scales, so the N×/1× ratios compare figures taken
 * minutes, not a quarter of an hour, apart on a machine whose load keeps changing.
 */
async function measure(runs: ScaleRun[], options: Options): Promise<ScenarioResult[][]> {
  const results: ScenarioResult[][] = runs.map(() => []);
  const names = runs[0]!.scenarios.map((s) => s.name).filter((name) => !options.only || name === options.only);
  const turn = options.seconds / ROUNDS;
  for (const name of names) {
    const scenarios = runs.map((run) => run.scenarios.find((s) => s.name === name)!);
    const samples = runs.map(() => ({ gateway: [] as Sample[], subgraph: [] as Sample[], sql: [] as Sample[] }));
    const mergedBefore = await Promise.all(runs.map((run) => mergedSoFar(run.graph.gatewayUrl)));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [k, run] of runs.entries()) {
        samples[k]!.gateway.push(
          await sample((i) => post(run.graph.gatewayUrl, scenarios[k]!.request(i)), turn, options, run.graph.statements),
        );
      }
    }
    const merged = await Promise.all(runs.map(async (run, k) => (await mergedSoFar(run.graph.gatewayUrl)) - mergedBefore[k]!));
    for (let round = 0; round < ROUNDS && scenarios[0]!.subgraph; round++) {
      for (const [k, run] of runs.entries()) {
        const scenario = scenarios[k]!;
        const build = scenario.subgraph!.request ?? ((i: number) => scenario.request(i));
        const url = run.graph.subgraphUrls[scenario.subgraph!.name]!;
        samples[k]!.subgraph.push(await sample((i) => post(url, build(i)), turn, options, run.graph.statements));
      }
    }
    for (let round = 0; round < ROUNDS && scenarios[0]!.sql; round++) {
      for (const [k, run] of runs.entries()) {
        const sql = scenarios[k]!.sql!.bind(scenarios[k]);
        samples[k]!.sql.push(await sample((i) => sql(i), turn, options, run.floorStatements));
      }
    }
    for (const [k, run] of runs.entries()) {
      const scenario = scenarios[k]!;
      const result: ScenarioResult = {
        scenario: name,
        description: scenario.description,
        gateway: { ...summarize(samples[k]!.gateway), merged: merged[k]! },
      };
      if (scenario.subgraph) {
        const { name: subgraph, note } = scenario.subgraph;
        result.subgraph = { ...summarize(samples[k]!.subgraph), name: subgraph, ...(note ? { note } : {}) };
        result.gatewayOverSubgraph = round(result.gateway.p50ms / result.subgraph.p50ms);
      }
      if (scenario.sql) {
        result.sql = summarize(samples[k]!.sql);
        if (result.subgraph) result.subgraphOverSql = round(result.subgraph.p50ms / result.sql.p50ms);
      }
      results[k]!.push(result);
      const line = (label: string, m?: Measure) =>
        m
          ? `${label.padEnd(8)} p50 ${String(m.p50ms).padStart(7)} p95 ${String(m.p95ms).padStart(7)} ${String(m.requestsPerSecond).padStart(5)}/s stmts ${m.statementsPerRequest ?? '–'} err ${m.errors}`
          : '';
      console.log(`${`${name} ${run.scale}×`.padEnd(36)} ${line('gateway', result.gateway)} merged ${result.gateway.merged}`);
      for (const [label, m] of [
        ['subgraph', result.subgraph],
        ['sql', result.sql],
      ] as const)
        if (m) console.log(`${''.padEnd(36)} ${line(label, m)}`);
      for (const m of [result.gateway, result.subgraph, result.sql])
        if (m?.firstError !== undefined) console.log(`  first error: ${JSON.stringify(m.firstError).slice(0, 300)}`);
    }
  }
  return results;
}

async function startInProcess(config: Config, database: Database): Promise<RunningBench> {
  let statements = 0;
  const graph = await launchGraph({ config, log: createLogger('silent', 'bench'), subgraphs, database, onQuery: () => void statements++ });
  return {
    gatewayUrl: graph.gatewayUrl,
    subgraphUrls: graph.subgraphUrls,
    database,
    statements: () => statements,
    stop: () => graph.stop(),
  };
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
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
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
  // Node with tsx's loader, as the npm scripts run services (tsx's own CLI SIGKILLs a busy child on SIGTERM).
  const node = (entry: string, ...args: string[]) => [process.execPath, ['--import', 'tsx', entry, ...args]] as const;
  const children: ChildProcess[] = [];
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    JWT_SECRET: SECRET,
    DATABASE_URL: config.databaseUrl,
    RATE_LIMIT_POINTS: '0',
  };
  const stop = async () => {
    await Promise.all(
      children.map((child) =>
        child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM')),
      ),
    );
  };
  try {
    // Every port first: a subgraph that reads a peer (housing reads communities) needs its URL.
    const ports = new Map<string, number>();
    for (const subgraph of subgraphs) ports.set(subgraph.name, await freePort());
    const urls = Object.fromEntries(subgraphs.map((subgraph) => [subgraph.name, `http://127.0.0.1:${ports.get(subgraph.name)}/graphql`]));
    const peerUrls = Object.fromEntries(Object.entries(urls).map(([name, url]) => [`${name.toUpperCase()}_URL`, url]));
    for (const subgraph of subgraphs) {
      const port = ports.get(subgraph.name)!;
      const child = spawn(...node('scripts/start-subgraph.ts', subgraph.name), {
        cwd: path.join(__dirname, '..'),
        env: { ...env, ...peerUrls, [`${subgraph.name.toUpperCase()}_PORT`]: String(port) },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(child);
      await waitForHealth(`http://127.0.0.1:${port}/health`, child);
    }
    const gatewayPort = await freePort();
    const gateway = spawn(...node('gateway/src/index.ts'), {
      cwd: path.join(__dirname, '..'),
      env: { ...env, ...peerUrls, GATEWAY_PORT: String(gatewayPort) },
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
  const header = [
    'scenario',
    ...runs.flatMap((r) => [`${r.scale}× gw p50`, 'gw/sub', 'sub/sql', 'stmts', 'merged']),
    ...(runs.length > 1 ? [`${runs[1]!.scale}×/1× gw`, 'sub', 'sql'] : []),
  ];
  const rows = names.map((name) => {
    const at = runs.map((r) => r.results.find((s) => s.scenario === name));
    // A failing scenario must not pass for a fast one: its errors stand next to its p50.
    const failed = (s: ScenarioResult) => [s.gateway, s.subgraph, s.sql].reduce((sum, m) => sum + (m?.errors ?? 0), 0);
    const cells = at.flatMap((s) => [
      s ? `${s.gateway.p50ms}${failed(s) > 0 ? ` (${failed(s)} errors)` : ''}` : '–',
      s?.gatewayOverSubgraph?.toFixed(2) ?? '–',
      s?.subgraphOverSql?.toFixed(2) ?? '–',
      s?.gateway.statementsPerRequest?.toString() ?? '–',
      s ? `${s.gateway.merged}` : '–',
    ]);
    if (runs.length > 1)
      cells.push(
        ratio(at[1]?.gateway.p50ms, at[0]?.gateway.p50ms),
        ratio(at[1]?.subgraph?.p50ms, at[0]?.subgraph?.p50ms),
        ratio(at[1]?.sql?.p50ms, at[0]?.sql?.p50ms),
      );
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
  const opened: ScaleRun[] = [];
  let measured: ScenarioResult[][];
  try {
    for (const s of scales) opened.push(await openScale(s, options));
    measured = await measure(opened, options);
  } finally {
    loadClient.close();
    for (const run of opened) await run.close();
  }
  const runs = opened.map((run, k) => ({ scale: run.scale, seed: run.seed, results: measured[k]! }));
  const report = {
    at: new Date().toISOString(),
    database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
    layout: options.processes ? 'one process per service' : 'one process',
    node: process.version,
    cpus: os.cpus().length,
    loadAverage: os.loadavg().map((l) => round(l)),
    seconds: options.seconds,
    rounds: ROUNDS,
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
