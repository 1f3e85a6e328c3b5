/**
 * `npm run bench [-- --scale N --seconds 5 --concurrency 16 --rate R --only NAME --processes --reuse]`:
 * for the demo city (1×) and, when N > 1, the city at N×, seeds a database (PostgreSQL on
 * DATABASE_URL's server, named `<its database>_<scale>`, or embedded PGlite), starts the whole
 * graph (in this process, or with --processes one process per service as deployed) and a load
 * generator process per scale. Every read is first checked for equal work (gateway, subgraph
 * and SQL floor answer the same rows), then measured through the three targets in rotated order,
 * round after round, each scale in turn. It reports latency, CPU per request per process,
 * PostgreSQL time per request, statements, merges, the parameters used, and the machine's load.
 * Results go to bench/results/<time>.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openPgStatements } from './cpu';
import { openScale, type ScaleGraph } from './graph';
import { startLoadGenerator } from './load-generator';
import { measureAll, ROUNDS, type ScaleRun } from './measure';
import { cpuTable, latencyTable, scaleTable } from './report';

const load = () => ({ loadAverage: os.loadavg().map((l) => +l.toFixed(2)), cores: os.cpus().length });

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: '1' },
      seconds: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '16' },
      rate: { type: 'string' },
      only: { type: 'string' },
      processes: { type: 'boolean', default: false },
      reuse: { type: 'boolean', default: false },
    },
  });
  const options = {
    seconds: Number(values.seconds),
    concurrency: Number(values.concurrency),
    rate: values.rate === undefined ? undefined : Number(values.rate),
    only: values.only,
    processes: values.processes ?? false,
    reuse: values.reuse ?? false,
  };
  if (options.rate !== undefined && !(options.rate > 0)) throw new Error('--rate is requests a second, more than 0.');
  const scale = Number(values.scale);
  const before = load();
  const graphs: ScaleGraph[] = [];
  const runs: ScaleRun[] = [];
  let measured;
  try {
    for (const s of scale === 1 ? [1] : [1, scale]) graphs.push(await openScale(s, options));
    for (const graph of graphs) {
      const pg = await openPgStatements(graph.databaseUrl);
      const generator = await startLoadGenerator({ ...graph, poolSize: options.concurrency });
      runs.push({ graph, load: generator, pg });
    }
    measured = await measureAll(runs, options);
  } finally {
    for (const run of runs) {
      await run.load.stop();
      if (run.pg.available) await run.pg.close();
    }
    for (const graph of graphs) await graph.close();
  }
  const pgNote = runs[0]!.pg.available
    ? `pg_stat_statements (planning ${runs[0]!.pg.planning ? 'included' : 'not tracked'})`
    : runs[0]!.pg.reason;
  const results = graphs.map((graph, k) => ({ scale: graph.scale, seed: graph.seed, results: measured[k]! }));
  const report = {
    at: new Date().toISOString(),
    database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
    layout: options.processes ? 'one process per service' : 'one process (load generator in its own)',
    mode: options.rate ? `open loop, ${options.rate} requests/s` : `closed loop, ${options.concurrency} clients`,
    node: process.version,
    machine: { before, after: load() },
    postgresTime: pgNote,
    seconds: options.seconds,
    rounds: ROUNDS,
    concurrency: options.concurrency,
    ...(options.rate ? { rate: options.rate } : {}),
    runs: results,
  };
  const file = path.join(__dirname, 'results', `${report.at.replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\n${latencyTable(results, Boolean(options.rate))}`);
  console.log(`\nCPU ms per request\n\n${cpuTable(results, runs[0]!.pg.available ? 'n/a' : pgNote)}`);
  if (results.length > 1) console.log(`\n${scaleTable(results)}`);
  console.log(
    `\n${report.database}, ${report.layout}, ${report.mode}, ${options.seconds}s per target and scale in ${ROUNDS} rounds; ` +
      `${before.cores} cores, load average ${before.loadAverage.join(' ')} before, ${report.machine.after.loadAverage.join(' ')} after → ${path.relative(process.cwd(), file)}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
