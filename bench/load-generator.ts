import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { signToken } from '../lib/kernel/auth';
import { BENCH_SECRET } from './environment';
import { checkEqualWork, subgraphData, type EqualWork } from './equal-work';
import { createBenchClient, dataOf, post, REQUEST_TIMEOUT_MS } from './http';
import { loadScenarios } from './scenario-set';
import type { BenchRequest, Scenario } from './scenarios/types';

/**
 * The load generator, in its own process (bench/load-process.ts) so that its CPU is not the
 * measured services' (in one-process mode they share nothing with it but the machine). It loads
 * the scenarios from the scale's data, speaks HTTP to the gateway and the subgraphs, and reads
 * the floor with its own connection pool (on PGlite, through the parent's SQL proxy). Each
 * scenario's request counter lives here for the whole run: it never restarts between rounds or
 * targets, so the parameters walk the whole city.
 */

export type Target = 'gateway' | 'subgraph' | 'sql';

export interface LoadInit {
  gatewayUrl: string;
  subgraphUrls: Record<string, string>;
  databaseUrl?: string;
  sqlProxyUrl?: string;
  /** The floor's pool size: as many connections as clients. */
  poolSize: number;
}

/** How one window drives a target: C clients in a closed loop, or R requests a second whatever the answers. */
export type Plan = { seconds: number; concurrency: number; rate?: number };

export interface Sample {
  /** Answered requests' latencies, ms (open loop: from the request's intended start; a timeout counts as the timeout). */
  latencies: number[];
  errors: number;
  firstError?: string;
  seconds: number;
  /** Open loop: requests due, not sent because too many were in flight, and not answered in time. */
  intended?: number;
  dropped?: number;
  timeouts?: number;
  /** Floor statements sent in the window. */
  statements?: number;
}

export interface ScenarioInfo {
  name: string;
  description: string;
  subgraph?: { name: string; then?: string; note?: string };
  sql: boolean;
  facts?: Record<string, number>;
}

type Command =
  | { type: 'init'; init: LoadInit }
  | { type: 'check'; scenario: string }
  | { type: 'warm'; scenario: string; target: Target; concurrency: number }
  | { type: 'measure'; scenario: string; target: Target; plan: Plan }
  | { type: 'parameters'; scenario: string };

/** Open loop: at most this many requests in flight; a request due beyond it is dropped (counted). */
const MAX_IN_FLIGHT = 1000;
const OPEN_LOOP_TIMEOUT_MS = 10_000;
const WARM_UP_MS = 500;

class Timeout extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Timeout(`no answer in ${ms} ms`)), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** C clients, each sending its next request when the last is answered, for `seconds`. */
async function closedLoop(send: () => Promise<unknown>, seconds: number, concurrency: number, sample: Sample | null): Promise<void> {
  const deadline = performance.now() + seconds * 1000;
  const client = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      let problem: string | undefined;
      try {
        await withTimeout(send(), REQUEST_TIMEOUT_MS);
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
      if (!sample) continue;
      sample.latencies.push(performance.now() - started);
      if (problem !== undefined) {
        sample.errors++;
        sample.firstError ??= problem;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
}

/**
 * Requests started at `rate` a second for `seconds`, each when due whatever the earlier ones
 * are doing; latency runs from when it was due, so a slow answer delays no later measurement
 * (no coordinated omission).
 */
async function openLoop(send: () => Promise<unknown>, seconds: number, rate: number, sample: Sample): Promise<void> {
  const start = performance.now();
  const end = start + seconds * 1000;
  const running = new Set<Promise<void>>();
  let due = 0;
  sample.intended = Math.floor(seconds * rate);
  sample.dropped = 0;
  sample.timeouts = 0;
  const launch = (intendedAt: number) => {
    if (running.size >= MAX_IN_FLIGHT) {
      sample.dropped!++;
      return;
    }
    const request = withTimeout(send(), OPEN_LOOP_TIMEOUT_MS).then(
      () => void sample.latencies.push(performance.now() - intendedAt),
      (error: unknown) => {
        sample.latencies.push(performance.now() - intendedAt);
        if (error instanceof Timeout) sample.timeouts!++;
        else {
          sample.errors++;
          sample.firstError ??= error instanceof Error ? error.message : String(error);
        }
      },
    );
    const tracked = request.finally(() => running.delete(tracked));
    running.add(tracked);
  };
  while (due < sample.intended) {
    const now = performance.now();
    for (; due < sample.intended && start + (due * 1000) / rate <= now; due++) launch(start + (due * 1000) / rate);
    if (now >= end) break;
    await sleep(Math.min(1, 1000 / rate));
  }
  await Promise.all(running);
}

/** The child's side: answers the parent's commands until it disconnects. */
export function serve(): void {
  const client = createBenchClient();
  let scenarios: Scenario[] = [];
  let targets: { gatewayUrl: string; subgraphUrls: Record<string, string> };
  let floorStatements = 0;
  const counters = new Map<string, number>();
  const next = (name: string) => {
    const i = counters.get(name) ?? 0;
    counters.set(name, i + 1);
    return i;
  };
  const find = (name: string) => scenarios.find((s) => s.name === name) ?? fail(`No scenario ${name}.`);
  const fail = (message: string): never => {
    throw new Error(message);
  };

  async function init({ gatewayUrl, subgraphUrls, databaseUrl, sqlProxyUrl, poolSize }: LoadInit): Promise<ScenarioInfo[]> {
    targets = { gatewayUrl, subgraphUrls };
    const pool = databaseUrl ? new pg.Pool({ connectionString: databaseUrl, max: poolSize }) : undefined;
    const query = async <T>(sql: string, params?: unknown[]): Promise<T[]> => {
      floorStatements++;
      if (pool) return (await pool.query(sql, params)).rows as T[];
      const response = await client.request(
        sqlProxyUrl!,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sql, params }) },
        REQUEST_TIMEOUT_MS,
      );
      const body = (await response.json()) as T[] | { error: string };
      if (!response.ok) throw new Error((body as { error: string }).error);
      return body as T[];
    };
    scenarios = await loadScenarios({
      signToken: (claims) => signToken(BENCH_SECRET, claims),
      query,
      peer: async (name: string, request: BenchRequest) => dataOf(await post(client, subgraphUrls[name]!, request)),
    });
    return scenarios.map((s) => ({
      name: s.name,
      description: s.description,
      ...(s.subgraph ? { subgraph: { name: s.subgraph.name, then: s.subgraph.then?.name, note: s.subgraph.note } } : {}),
      sql: s.sql !== undefined,
      ...(s.facts ? { facts: s.facts } : {}),
    }));
  }

  const sender = (name: string, target: Target): (() => Promise<unknown>) => {
    const scenario = find(name);
    return {
      gateway: async () => dataOf(await post(client, targets.gatewayUrl, scenario.request(next(name)))),
      subgraph: () => subgraphData(client, targets, scenario, next(name)),
      sql: () => scenario.sql!(next(name)),
    }[target];
  };

  async function measure(name: string, target: Target, plan: Plan): Promise<Sample> {
    const send = sender(name, target);
    const sample: Sample = { latencies: [], errors: 0, seconds: 0 };
    const statements = floorStatements;
    const started = performance.now();
    if (plan.rate) await openLoop(send, plan.seconds, plan.rate, sample);
    else await closedLoop(send, plan.seconds, plan.concurrency, sample);
    // Open loop: the window is the arrival schedule's, even when its last requests were sent early in their tick.
    sample.seconds = Math.max((performance.now() - started) / 1000, plan.rate ? plan.seconds : 0);
    if (target === 'sql') sample.statements = floorStatements - statements;
    return sample;
  }

  /** How many different parameter sets the scenario's requests so far used (reads only: a write's request changes state). */
  function parameters(name: string): { requests: number; distinct: number | null } {
    const scenario = find(name);
    const requests = counters.get(name) ?? 0;
    if (!scenario.subgraph) return { requests, distinct: null };
    const seen = new Set<string>();
    for (let i = 0; i < requests; i++) seen.add(JSON.stringify(scenario.request(i).variables));
    return { requests, distinct: seen.size };
  }

  const handle = (command: Command): unknown => {
    switch (command.type) {
      case 'init':
        return init(command.init);
      case 'check':
        return checkEqualWork(client, targets, find(command.scenario), next(command.scenario));
      case 'warm':
        return closedLoop(sender(command.scenario, command.target), WARM_UP_MS / 1000, command.concurrency, null);
      case 'measure':
        return measure(command.scenario, command.target, command.plan);
      case 'parameters':
        return parameters(command.scenario);
    }
  };
  process.on('message', (message: { id: number; command: Command }) => {
    Promise.resolve()
      .then(() => handle(message.command))
      .then(
        (value) => process.send!({ id: message.id, value }),
        (error: unknown) =>
          process.send!({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
  });
  process.on('disconnect', () => {
    client.close();
    process.exit(0);
  });
}

/** The parent's side: a load generator process for one scale's graph. */
export interface LoadGenerator {
  pid: number;
  scenarios: ScenarioInfo[];
  check(scenario: string): Promise<EqualWork>;
  /** Half a second of closed-loop requests, outside any measured window (connections, caches, JIT). */
  warm(scenario: string, target: Target, concurrency: number): Promise<void>;
  measure(scenario: string, target: Target, plan: Plan): Promise<Sample>;
  parameters(scenario: string): Promise<{ requests: number; distinct: number | null }>;
  stop(): Promise<void>;
}

export async function startLoadGenerator(init: LoadInit): Promise<LoadGenerator> {
  const child: ChildProcess = fork(path.join(__dirname, 'load-process.ts'), [], {
    cwd: path.join(__dirname, '..'),
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let ids = 0;
  child.on('message', (message: { id: number; value?: unknown; error?: string }) => {
    const call = waiting.get(message.id)!;
    waiting.delete(message.id);
    if (message.error !== undefined) call.reject(new Error(`load generator: ${message.error}`));
    else call.resolve(message.value);
  });
  child.on('exit', (code) => {
    for (const call of waiting.values()) call.reject(new Error(`load generator exited with ${code}`));
    waiting.clear();
  });
  const call = <T>(command: Command) =>
    new Promise<T>((resolve, reject) => {
      const id = ids++;
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, command });
    });
  const scenarios = await call<ScenarioInfo[]>({ type: 'init', init });
  return {
    pid: child.pid!,
    scenarios,
    check: (scenario) => call({ type: 'check', scenario }),
    warm: (scenario, target, concurrency) => call({ type: 'warm', scenario, target, concurrency }),
    measure: (scenario, target, plan) => call({ type: 'measure', scenario, target, plan }),
    parameters: (scenario) => call({ type: 'parameters', scenario }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      await exited;
    },
  };
}
