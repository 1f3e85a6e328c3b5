/**
 * `npm run bench:observability [-- --seconds 5 --concurrency 8 --rounds 2 --only a,b]`: what
 * metrics and traces cost. One run starts the graph (demo city, embedded PGlite or DATABASE_URL)
 * once per mode on the same seeded database — off (METRICS=off, no tracing), metrics only (the
 * default), metrics and tracing — drives the same scenarios through the gateway in each, and
 * prints throughput and latency per mode with the change against off. Tracing exports to a sink
 * that drops the spans, so the figure is the instrumentation's cost, not a collector's.
 * Modes alternate order between rounds so warm-up and drift do not favour one. Besides
 * throughput, it reports this process's CPU time per request (graph and load generator share
 * it): on a machine other work also loads, that figure moves far less than req/s.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ExportResultCode } from '@opentelemetry/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import { signToken } from '../lib/kernel/auth';
import { loadConfig } from '../lib/runtime/config';
import { createLogger } from '../lib/runtime/log';
import { openConfiguredDatabase } from '../lib/runtime/process';
import { launchGraph } from '../scripts/launch';
import { subgraphDefaults, subgraphs } from '../subgraphs';
import { BENCH_SECRET, benchEnvironment } from './environment';
import communities from './scenarios/communities';
import housing from './scenarios/housing';
import type { Scenario } from './scenarios/types';

const MODES = [
  { name: 'off', metrics: false, tracing: false },
  { name: 'metrics', metrics: true, tracing: false },
  { name: 'metrics+traces', metrics: true, tracing: true },
] as const;

/** Spans are built, batched and handed over, then dropped. */
const discard: SpanExporter = {
  export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
  shutdown: async () => undefined,
};

/** Requests answered and their latencies, for `seconds` after a short warm-up. */
async function drive(gatewayUrl: string, scenario: Scenario, seconds: number, concurrency: number) {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const client = async (until: number, keep: boolean) => {
    while (Date.now() < until) {
      const { query, variables, token } = scenario.request(next++);
      const sent = performance.now();
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { errors?: unknown[] };
      if (!keep) continue;
      latencies.push(performance.now() - sent);
      if (!response.ok || body.errors) failures++;
    }
  };
  const clients = (until: number, keep: boolean) => Promise.all(Array.from({ length: concurrency }, () => client(until, keep)));
  await clients(Date.now() + 1000, false);
  const started = Date.now();
  const cpu = process.cpuUsage();
  await clients(started + seconds * 1000, true);
  const { user, system } = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return {
    requests: latencies.length,
    failures,
    perSecond: latencies.length / ((Date.now() - started) / 1000),
    cpuMs: (user + system) / 1000 / latencies.length,
    p50: at(0.5),
    p95: at(0.95),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '2' },
      only: { type: 'string', default: 'community-by-code,communities-page-50,premises-shortfall' },
    },
  });
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const rounds = Number(values.rounds);
  const wanted = values.only.split(',');
  const env = benchEnvironment('observability');
  const log = createLogger('silent', 'bench');
  const database = await openConfiguredDatabase(loadConfig(env, subgraphDefaults()));
  const totals = new Map<
    string,
    { requests: number; failures: number; perSecond: number[]; cpuMs: number[]; p50: number[]; p95: number[] }
  >();
  try {
    let scenarios: Scenario[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const mode of round % 2 === 0 ? MODES : [...MODES].reverse()) {
        const config = loadConfig({ ...env, METRICS: String(mode.metrics) }, subgraphDefaults());
        const graph = await launchGraph({
          config,
          log,
          subgraphs,
          database,
          seed: round === 0 && mode === MODES[0],
          spanExporter: mode.tracing ? discard : undefined,
        });
        try {
          if (scenarios.length === 0) {
            const context = {
              signToken: (claims: Parameters<typeof signToken>[1]) => signToken(BENCH_SECRET, claims),
              query: database.query.bind(database),
            };
            scenarios = [...(await communities(context)), ...(await housing(context))].filter((s) => wanted.includes(s.name));
            // An unrecorded pass first: the first mode measured on a cold process ran at half speed.
            for (const scenario of scenarios) await drive(graph.gatewayUrl, scenario, seconds, concurrency);
          }
          for (const scenario of scenarios) {
            const result = await drive(graph.gatewayUrl, scenario, seconds, concurrency);
            const key = `${scenario.name}\t${mode.name}`;
            const total = totals.get(key) ?? { requests: 0, failures: 0, perSecond: [], cpuMs: [], p50: [], p95: [] };
            total.requests += result.requests;
            total.failures += result.failures;
            total.perSecond.push(result.perSecond);
            total.cpuMs.push(result.cpuMs);
            total.p50.push(result.p50);
            total.p95.push(result.p95);
            totals.set(key, total);
            console.error(
              `round ${round + 1} ${mode.name.padEnd(15)} ${scenario.name.padEnd(22)} ${result.perSecond.toFixed(0).padStart(5)} req/s ${result.cpuMs.toFixed(2).padStart(7)} CPU ms/req`,
            );
          }
        } finally {
          await graph.stop();
        }
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(`\n${database.kind}, ${concurrency} clients, ${seconds}s × ${rounds} rounds per scenario and mode (means over rounds)\n`);
    console.log(
      '| Scenario | Mode | CPU ms/req | vs off | req/s | vs off | p50 ms | p95 ms | errors |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    const versus = (value: number, off: number, mode: string) =>
      mode === 'off' ? '' : `${value >= off ? '+' : ''}${(((value - off) / off) * 100).toFixed(1)}%`;
    for (const scenario of scenarios) {
      const off = totals.get(`${scenario.name}\toff`)!;
      for (const mode of MODES) {
        const t = totals.get(`${scenario.name}\t${mode.name}`)!;
        const [cpu, rate] = [mean(t.cpuMs), mean(t.perSecond)];
        console.log(
          `| ${scenario.name} | ${mode.name} | ${cpu.toFixed(2)} | ${versus(cpu, mean(off.cpuMs), mode.name)} | ${rate.toFixed(0)} | ${versus(rate, mean(off.perSecond), mode.name)} | ${mean(t.p50).toFixed(1)} | ${mean(t.p95).toFixed(1)} | ${t.failures}/${t.requests} |`,
        );
      }
    }
  } finally {
    await database.close();
    fs.rmSync(env.DATA_DIR, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
