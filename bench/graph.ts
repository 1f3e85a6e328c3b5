import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../lib/runtime/config';
import { migrate } from '../lib/runtime/db';
import { createLogger } from '../lib/runtime/log';
import { openConfiguredDatabase } from '../lib/runtime/process';
import { seedScale, type ScaleSummary } from '../seed/scale';
import { launchGraph } from '../scripts/launch';
import { loadSubgraphs, migrationTimelines } from '../scripts/subgraph-code';
import { subgraphDefaults, subgraphs } from '../subgraphs';
import { BENCH_SECRET } from './environment';
import { startSqlProxy } from './sql-proxy';

/** One scale's seeded database and running graph. */
export interface ScaleGraph {
  scale: number;
  seed: ScaleSummary;
  gatewayUrl: string;
  subgraphUrls: Record<string, string>;
  /** The scale's PostgreSQL database, for the load generator's floor pool and pg_stat_statements; undefined on PGlite. */
  databaseUrl?: string;
  /** PGlite only: where the load generator's floor sends its SQL (bench/sql-proxy.ts). */
  sqlProxyUrl?: string;
  /** With --processes, the pid of each service (gateway and every subgraph), for their CPU time. */
  pids?: Record<string, number>;
  /** Statements sent by the subgraphs so far (in this process only). */
  statements?: () => number;
  close(): Promise<void>;
}

export interface GraphOptions {
  processes: boolean;
  reuse: boolean;
}

/** A fresh database for one scale: PGlite in a temporary directory, or `<DATABASE_URL's database>_<scale>`. */
async function prepareDatabase(scale: number, options: GraphOptions): Promise<{ url?: string; dataDir: string; drop(): Promise<void> }> {
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

/** Seeds the city at `scale` and starts its graph, in this process or one process per service. */
export async function openScale(scale: number, options: GraphOptions): Promise<ScaleGraph> {
  const target = await prepareDatabase(scale, options);
  const ports = Object.fromEntries(subgraphs.map((s) => [`${s.name.toUpperCase()}_PORT`, '0']));
  const config = loadConfig(
    // The benchmark measures throughput, not the rate limiter's refusals.
    {
      ...process.env,
      DATABASE_URL: target.url,
      LOG_LEVEL: 'silent',
      JWT_SECRET: BENCH_SECRET,
      GATEWAY_PORT: '0',
      RATE_LIMIT_POINTS: '0',
      DATA_DIR: target.dataDir,
      ...ports,
    },
    subgraphDefaults(),
  );
  const database = await openConfiguredDatabase(config);
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
    await database.close();
    await target.drop();
  };
  try {
    await migrate(database, migrationTimelines());
    const seed = await seedScale(database, await loadSubgraphs(), scale);
    console.log(`${scale}×: ${JSON.stringify(seed)}`);
    if (options.processes) {
      const graph = await startProcesses(config);
      closers.push(() => graph.stop());
      return { scale, seed, ...graph, databaseUrl: target.url, close };
    }
    let statements = 0;
    const graph = await launchGraph({
      config,
      log: createLogger('silent', 'bench'),
      subgraphs,
      database,
      onQuery: () => void statements++,
    });
    closers.push(() => graph.stop());
    const proxy = target.url ? undefined : await startSqlProxy(database);
    if (proxy) closers.push(() => proxy.close());
    return {
      scale,
      seed,
      gatewayUrl: graph.gatewayUrl,
      subgraphUrls: graph.subgraphUrls,
      databaseUrl: target.url,
      sqlProxyUrl: proxy?.url,
      statements: () => statements,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
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
async function startProcesses(
  config: Config,
): Promise<{ gatewayUrl: string; subgraphUrls: Record<string, string>; pids: Record<string, number>; stop(): Promise<void> }> {
  if (!config.databaseUrl) throw new Error('--processes needs DATABASE_URL: the embedded database lives inside one process.');
  // Node with tsx's loader, as the npm scripts run services (tsx's own CLI SIGKILLs a busy child on SIGTERM).
  const node = (entry: string, ...args: string[]) => [process.execPath, ['--import', 'tsx', entry, ...args]] as const;
  const children = new Map<string, ChildProcess>();
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    JWT_SECRET: BENCH_SECRET,
    DATABASE_URL: config.databaseUrl,
    RATE_LIMIT_POINTS: '0',
  };
  const stop = async () => {
    await Promise.all(
      [...children.values()].map((child) =>
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
      children.set(subgraph.name, child);
      await waitForHealth(`http://127.0.0.1:${port}/health`, child);
    }
    const gatewayPort = await freePort();
    const gateway = spawn(...node('gateway/src/index.ts'), {
      cwd: path.join(__dirname, '..'),
      env: { ...env, ...peerUrls, GATEWAY_PORT: String(gatewayPort) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.set('gateway', gateway);
    await waitForHealth(`http://127.0.0.1:${gatewayPort}/ready`, gateway);
    const pids = Object.fromEntries([...children].map(([name, child]) => [name, child.pid!]));
    return { gatewayUrl: `http://127.0.0.1:${gatewayPort}/graphql`, subgraphUrls: urls, pids, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
