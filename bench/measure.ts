import { ownCpuMs, processCpuMs, type PgStatements } from './cpu';
import type { ScaleGraph } from './graph';
import type { LoadGenerator, Plan, Sample, ScenarioInfo, Target } from './load-generator';

/** One scale under test: its graph, its load generator and its database's statement statistics. */
export interface ScaleRun {
  graph: ScaleGraph;
  load: LoadGenerator;
  pg: PgStatements;
}

export interface MeasureOptions {
  seconds: number;
  concurrency: number;
  rate?: number;
  only?: string;
}

/** A target's figures over every round. */
export interface Measure {
  requests: number;
  errors: number;
  /** Answered requests a second (open loop: the achieved rate). */
  requestsPerSecond: number;
  p50ms: number;
  p95ms: number;
  p99ms: number;
  /** SQL statements per request (the subgraphs in this process or by pg_stat_statements, or the floor's); null when not countable. */
  statementsPerRequest: number | null;
  /** CPU ms per request by process: the graph's one process, or each service's, and the load generator. */
  cpuMsPerRequest: Record<string, number>;
  /** PostgreSQL execution (+ planning when tracked) ms per request, from pg_stat_statements; null when not available. */
  pgMsPerRequest: number | null;
  /** Open loop only. */
  intended?: number;
  dropped?: number;
  timeouts?: number;
  firstError?: string;
}

export interface ScenarioResult {
  scenario: string;
  description: string;
  facts?: Record<string, number>;
  subgraph?: { name: string; then?: string; note?: string };
  /** Rows compared by the equal-work check (gateway's answer), and the targets compared. */
  equalWork?: { rows: number; targets: string[] };
  /** Requests sent for this scenario (all targets, the check included) and how many different parameter sets they used. */
  parameters: { requests: number; distinct: number | null };
  /** Subgraph requests the gateway merged during its windows. */
  merged: number;
  gateway: Measure;
  subgraphTarget?: Measure;
  sql?: Measure;
}

/** Rounds per measurement: targets and scales take turns, so a change in the machine's load hits all alike. */
export const ROUNDS = 3;

const round = (value: number, digits = 2) => +value.toFixed(digits);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The gateway's count of merged subgraph requests, from its /metrics. */
async function mergedSoFar(gatewayUrl: string): Promise<number> {
  const text = await fetch(gatewayUrl.replace(/\/graphql$/, '/metrics')).then((r) => r.text());
  return text
    .split('\n')
    .filter((line) => line.startsWith('graphql_gateway_subgraph_fetch_merged_total'))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

/** CPU ms so far of every process that serves the scale: its services (or this process) and the load generator. */
function cpuNow(run: ScaleRun): Record<string, number> {
  // The gateway first, then the subgraphs: the order a request passes them.
  const pids = Object.entries(run.graph.pids ?? {}).sort(([a], [b]) => Number(b === 'gateway') - Number(a === 'gateway'));
  const services = run.graph.pids
    ? Object.fromEntries(pids.map(([name, pid]) => [name, processCpuMs(pid) ?? NaN]))
    : { 'graph (one process)': ownCpuMs() };
  return { ...services, 'load generator': processCpuMs(run.load.pid) ?? NaN };
}

interface Window {
  sample: Sample;
  cpuMs: Record<string, number>;
  pgMs: number | null;
  statements: number | null;
  merged: number;
}

/** One measured window: CPU, PostgreSQL time and statements read just before and just after it. */
async function measureWindow(run: ScaleRun, scenario: string, target: Target, plan: Plan): Promise<Window> {
  await run.load.warm(scenario, target, plan.concurrency);
  const mergedBefore = target === 'gateway' ? await mergedSoFar(run.graph.gatewayUrl) : 0;
  const pgBefore = run.pg.available ? await run.pg.snapshot() : null;
  const statementsBefore = run.graph.statements?.();
  const cpuBefore = cpuNow(run);
  const sample = await run.load.measure(scenario, target, plan);
  const cpuAfter = cpuNow(run);
  const statementsAfter = run.graph.statements?.();
  const pgAfter = run.pg.available ? await run.pg.snapshot() : null;
  const merged = target === 'gateway' ? (await mergedSoFar(run.graph.gatewayUrl)) - mergedBefore : 0;
  // Every statement of the window, from pg_stat_statements when it is there; otherwise the subgraphs' as counted in this
  // process, plus the floor's own count (a floor's peer call reaches a subgraph, so its statements are among the subgraphs').
  const services = statementsBefore === undefined ? null : statementsAfter! - statementsBefore;
  const statements =
    pgBefore && pgAfter ? pgAfter.calls - pgBefore.calls : target === 'sql' ? (sample.statements ?? 0) + (services ?? 0) : services;
  return {
    sample,
    cpuMs: Object.fromEntries(Object.entries(cpuAfter).map(([name, ms]) => [name, ms - cpuBefore[name]!])),
    pgMs: pgBefore && pgAfter ? pgAfter.ms - pgBefore.ms : null,
    statements,
    merged,
  };
}

function summarize(windows: Window[]): Measure {
  const latencies = windows.flatMap((w) => w.sample.latencies).sort((a, b) => a - b);
  const requests = latencies.length;
  const per = (total: number) => round(total / Math.max(1, requests), 3);
  const sum = (pick: (w: Window) => number) => windows.reduce((total, w) => total + pick(w), 0);
  const open = windows[0]?.sample.intended !== undefined;
  const firstError = windows.find((w) => w.sample.firstError !== undefined)?.sample.firstError;
  return {
    requests,
    errors: sum((w) => w.sample.errors),
    requestsPerSecond: Math.round(requests / sum((w) => w.sample.seconds)),
    p50ms: round(percentile(latencies, 50), 1),
    p95ms: round(percentile(latencies, 95), 1),
    p99ms: round(percentile(latencies, 99), 1),
    statementsPerRequest: windows.every((w) => w.statements !== null) ? round(sum((w) => w.statements!) / Math.max(1, requests), 1) : null,
    cpuMsPerRequest: Object.fromEntries(Object.keys(windows[0]?.cpuMs ?? {}).map((name) => [name, per(sum((w) => w.cpuMs[name]!))])),
    pgMsPerRequest: windows.every((w) => w.pgMs !== null) ? per(sum((w) => w.pgMs!)) : null,
    ...(open
      ? { intended: sum((w) => w.sample.intended!), dropped: sum((w) => w.sample.dropped!), timeouts: sum((w) => w.sample.timeouts!) }
      : {}),
    ...(firstError === undefined ? {} : { firstError }),
  };
}

/** The targets a scenario has, rotated by the round so that none always goes first (or last). */
export function targetOrder(info: ScenarioInfo, round: number): Target[] {
  const targets: Target[] = ['gateway', ...(info.subgraph ? (['subgraph'] as const) : []), ...(info.sql ? (['sql'] as const) : [])];
  return targets.map((_, k) => targets[(k + round) % targets.length]!);
}

/**
 * Every scenario at every scale. A read first passes the equal-work check at each scale (a
 * mismatch stops the run); then ROUNDS rounds, each running every target in a rotated order,
 * each target at every scale in turn.
 */
export async function measureAll(runs: ScaleRun[], options: MeasureOptions): Promise<ScenarioResult[][]> {
  const results: ScenarioResult[][] = runs.map(() => []);
  const infos = runs[0]!.load.scenarios.filter((s) => !options.only || s.name === options.only);
  const plan: Plan = {
    seconds: options.seconds / ROUNDS,
    concurrency: options.concurrency,
    ...(options.rate ? { rate: options.rate } : {}),
  };
  for (const info of infos) {
    const checks = [];
    if (info.subgraph)
      for (const run of runs) {
        const check = await run.load.check(info.name);
        if (check.mismatch) throw new Error(`${info.name} at ${run.graph.scale}×: unequal work, ${check.mismatch}`);
        checks.push(check);
      }
    const windows = runs.map(() => ({ gateway: [] as Window[], subgraph: [] as Window[], sql: [] as Window[] }));
    for (let r = 0; r < ROUNDS; r++)
      for (const target of targetOrder(info, r))
        for (const [k, run] of runs.entries()) windows[k]![target].push(await measureWindow(run, info.name, target, plan));
    for (const [k, run] of runs.entries()) {
      const w = windows[k]!;
      results[k]!.push({
        scenario: info.name,
        description: info.description,
        ...(info.facts ? { facts: info.facts } : {}),
        ...(info.subgraph ? { subgraph: info.subgraph } : {}),
        ...(checks[k] ? { equalWork: { rows: checks[k].rows, targets: checks[k].targets } } : {}),
        parameters: await run.load.parameters(info.name),
        merged: w.gateway.reduce((sum, x) => sum + x.merged, 0),
        gateway: summarize(w.gateway),
        ...(w.subgraph.length ? { subgraphTarget: summarize(w.subgraph) } : {}),
        ...(w.sql.length ? { sql: summarize(w.sql) } : {}),
      });
      const done = results[k]!.at(-1)!;
      console.log(
        `${`${info.name} ${run.graph.scale}×`.padEnd(36)} p50 gw ${done.gateway.p50ms} sub ${done.subgraphTarget?.p50ms ?? '–'} sql ${done.sql?.p50ms ?? '–'}` +
          ` | params ${done.parameters.distinct ?? '–'}/${done.parameters.requests}`,
      );
      for (const m of [done.gateway, done.subgraphTarget, done.sql])
        if (m?.firstError !== undefined) console.log(`  first error: ${m.firstError.slice(0, 300)}`);
    }
  }
  return results;
}
