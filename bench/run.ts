/**
 * `npm run bench [-- --seconds 10 --concurrency 16 --only NAME --processes]`: starts the whole
 * graph (embedded PGlite, or DATABASE_URL) with the demo city, in this process or (--processes)
 * one process per service, drives each scenario through the gateway
 * over loopback for a fixed time with a fixed number of concurrent clients, and reports
 * throughput and latency percentiles. Results also go to bench/results/<time>.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { signToken } from '../lib/auth';
import { loadConfig, type Config } from '../lib/config';
import { migrate } from '../lib/db';
import { openConfiguredDatabase } from '../lib/runtime';
import { seedDemoData } from '../prisma/seed';
import { createLogger } from '../lib/log';
import { launchGraph } from '../scripts/launch';
import { loadSubgraphs, subgraphDefaults, subgraphs } from '../subgraphs';
import type { Scenario, ScenarioContext, ScenarioFactory } from './scenarios/types';

const SECRET = 'bench-secret-bench-secret-bench-secret-0001';

/** Every subgraph's scenarios, from the modules in bench/scenarios/. */
async function loadScenarios(context: ScenarioContext): Promise<Scenario[]> {
  const dir = path.join(__dirname, 'scenarios');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'types.ts').sort();
  const factories = await Promise.all(files.map(async (f) => ((await import(path.join(dir, f))) as { default: ScenarioFactory }).default));
  return (await Promise.all(factories.map((factory) => factory(context)))).flat();
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '16' },
      only: { type: 'string' },
      processes: { type: 'boolean', default: false },
    },
  });
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const ports = Object.fromEntries(subgraphs.map((s) => [`${s.name.toUpperCase()}_PORT`, '0']));
  const config = loadConfig(
    // The benchmark measures throughput, not the rate limiter's refusals.
    { ...process.env, LOG_LEVEL: 'silent', JWT_SECRET: SECRET, GATEWAY_PORT: '0', RATE_LIMIT_POINTS: '0', DATA_DIR: path.join(fsTemp(), 'data'), ...ports },
    subgraphDefaults(),
  );
  const graph = values.processes
    ? await startProcesses(config)
    : await launchGraph({ config, log: createLogger('silent', 'bench'), subgraphs, seed: true });
  const scenarios = await loadScenarios({
    signToken: (claims) => signToken(SECRET, claims),
    query: (sql, params) => graph.database.query(sql, params),
  });

  const results = [];
  try {
    for (const scenario of scenarios.filter((s) => !values.only || s.name === values.only)) {
      const latencies: number[] = [];
      let errors = 0;
      let firstError: unknown;
      let counter = 0;
      const run = async (deadline: number, record: boolean) => {
        while (Date.now() < deadline) {
          const { query, variables, token } = scenario.request(counter++);
          const started = performance.now();
          const response = await fetch(graph.gatewayUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
            body: JSON.stringify({ query, variables }),
          });
          const body = (await response.json()) as { errors?: unknown[] };
          if (record) {
            latencies.push(performance.now() - started);
            if (!response.ok || body.errors) {
              errors++;
              firstError ??= body.errors?.[0] ?? response.status;
            }
          }
        }
      };
      const warmup = Date.now() + Math.min(2000, seconds * 200);
      await Promise.all(Array.from({ length: concurrency }, () => run(warmup, false)));
      const started = Date.now();
      await Promise.all(Array.from({ length: concurrency }, () => run(started + seconds * 1000, true)));
      const elapsed = (Date.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      const result = {
        scenario: scenario.name,
        description: scenario.description,
        requests: latencies.length,
        errors,
        requestsPerSecond: Math.round(latencies.length / elapsed),
        p50ms: +percentile(latencies, 50).toFixed(1),
        p95ms: +percentile(latencies, 95).toFixed(1),
        p99ms: +percentile(latencies, 99).toFixed(1),
        firstError,
      };
      results.push(result);
      console.log(
        `${result.scenario.padEnd(22)} ${String(result.requestsPerSecond).padStart(6)} req/s  p50 ${String(result.p50ms).padStart(6)} ms  p95 ${String(result.p95ms).padStart(6)} ms  p99 ${String(result.p99ms).padStart(6)} ms  errors ${result.errors}/${result.requests}`,
      );
      if (firstError) console.log(`  first error: ${JSON.stringify(firstError).slice(0, 300)}`);
    }
  } finally {
    await graph.stop();
  }
  const report = {
    at: new Date().toISOString(),
    database: config.databaseUrl ? 'postgres' : 'pglite',
    layout: values.processes ? 'one process per service' : 'one process',
    node: process.version,
    seconds,
    concurrency,
    results,
  };
  const file = path.join(__dirname, 'results', `${report.at.replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\n${report.database}, ${report.layout}, ${concurrency} concurrent clients, ${seconds}s per scenario → ${path.relative(process.cwd(), file)}`);
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
 * over PostgreSQL (PGlite is one process by nature). Migrates and seeds first.
 */
async function startProcesses(config: Config) {
  if (!config.databaseUrl) throw new Error('--processes needs DATABASE_URL: the embedded database lives inside one process.');
  const database = await openConfiguredDatabase(config);
  await migrate(database);
  await seedDemoData(database, await loadSubgraphs());
  const tsx = path.join(__dirname, '../node_modules/.bin/tsx');
  const children: ChildProcess[] = [];
  const env = { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', JWT_SECRET: SECRET, DATABASE_URL: config.databaseUrl, RATE_LIMIT_POINTS: '0' };
  const stop = async () => {
    await Promise.all(
      children.map((child) => (child.exitCode !== null ? undefined : new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM')))),
    );
    await database.close();
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
      urls[`${subgraph.name.toUpperCase()}_URL`] = `http://127.0.0.1:${port}/graphql`;
    }
    const gatewayPort = await freePort();
    const gateway = spawn(tsx, ['gateway/src/index.ts'], {
      cwd: path.join(__dirname, '..'),
      env: { ...env, ...urls, GATEWAY_PORT: String(gatewayPort) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(gateway);
    await waitForHealth(`http://127.0.0.1:${gatewayPort}/ready`, gateway);
    return { gatewayUrl: `http://127.0.0.1:${gatewayPort}/graphql`, database, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function fsTemp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'crg-bench-'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
