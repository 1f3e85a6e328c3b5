import communitiesScenarios from '../../bench/scenarios/communities';
import facilitiesScenarios from '../../bench/scenarios/facilities';
import housingScenarios from '../../bench/scenarios/housing';
import procurementScenarios from '../../bench/scenarios/procurement';
import type { Scenario } from '../../bench/scenarios/types';
import pg from 'pg';
import { databaseKind, testDatabaseUrl } from '../support/database';
import { startTestGraph, type TestGraph } from '../support/graph';
import { tokenFor } from '../support/tokens';

/**
 * Statement counts cannot see a statement that reads a whole table. Here every benchmark
 * scenario (the main reads and writes) runs with `enable_seqscan = off`, under which PostgreSQL
 * still scans a table only when no index can serve the statement at all, and the tables' own
 * scan counters must not move. It found the registry-wide count of communities, which filtered
 * on a level no index held (migration 20261126000200). What it cannot see: a condition no index
 * serves on a table that has some index (Prisma's `startsWith` on a CHAR(12) code, say) becomes
 * a walk of a whole index instead, which the counters record as an index scan; the benchmark's
 * 100×/1× ratios and the statement log are the check for those (bench/README.md).
 * PostgreSQL only: PGlite keeps no per-table statistics.
 */
const onPostgres = databaseKind() === 'postgres' ? describe : describe.skip;

/** A backend publishes its table counters once idle (PostgreSQL 15 waits at most 10 s). */
const STATS_FLUSH_MS = 11_000;
const REQUESTS_PER_SCENARIO = 6;

interface TableScans {
  table: string;
  seqScans: number;
  indexScans: number;
}

onPostgres('every main read and write is served by indexes (PostgreSQL: enable_seqscan off, table scan counters)', () => {
  let graph: TestGraph;
  const previousOptions = process.env.PGOPTIONS;

  beforeAll(async () => {
    // Every connection the graph opens gets the setting (node-postgres reads PGOPTIONS).
    process.env.PGOPTIONS = '-c enable_seqscan=off';
    graph = await startTestGraph({ seed: true });
  }, 120_000);
  afterAll(async () => {
    process.env.PGOPTIONS = previousOptions;
    if (previousOptions === undefined) delete process.env.PGOPTIONS;
    await graph?.stop();
  });

  /** Every table's counters, read on a connection of its own once the graph's have published theirs. */
  async function scans(): Promise<Map<string, TableScans>> {
    await new Promise((resolve) => setTimeout(resolve, STATS_FLUSH_MS));
    const client = new pg.Client({ connectionString: testDatabaseUrl(graph.database) });
    await client.connect();
    try {
      const { rows } = await client.query<{ table: string; seq_scan: string; idx_scan: string | null }>(
        `SELECT schemaname || '.' || relname AS table, seq_scan, idx_scan FROM pg_stat_user_tables`,
      );
      return new Map(rows.map((r) => [r.table, { table: r.table, seqScans: Number(r.seq_scan), indexScans: Number(r.idx_scan ?? 0) }]));
    } finally {
      await client.end();
    }
  }

  test('no table is scanned whole by any scenario of the benchmark', async () => {
    const context = {
      signToken: (claims: Parameters<typeof tokenFor>[0]) => tokenFor(claims),
      query: <T>(sql: string, params?: unknown[]) => graph.database.query<T>(sql, params),
    };
    const scenarios: Scenario[] = (
      await Promise.all(
        [communitiesScenarios, facilitiesScenarios, housingScenarios, procurementScenarios].map((factory) => factory(context)),
      )
    ).flat();
    expect(scenarios.length).toBeGreaterThanOrEqual(13);

    const before = await scans();
    const failures: string[] = [];
    for (const scenario of scenarios) {
      for (let i = 0; i < REQUESTS_PER_SCENARIO; i++) {
        const { query, variables, token } = scenario.request(i);
        const { body } = await graph.request(query, { variables, token });
        if (body.errors) failures.push(`${scenario.name} #${i}: ${body.errors[0]!.message}`);
      }
    }
    expect(failures).toEqual([]);
    const after = await scans();

    const scanned = [...after.values()]
      .filter(({ table, seqScans }) => seqScans > (before.get(table)?.seqScans ?? 0))
      .map(({ table, seqScans }) => `${table}: ${seqScans - (before.get(table)?.seqScans ?? 0)} whole-table scans`);
    expect(scanned).toEqual([]);
    // The counters did move: the scenarios' statements reached these tables through their indexes.
    const indexed = [...after.values()]
      .filter(({ table, indexScans }) => indexScans > (before.get(table)?.indexScans ?? 0))
      .map((t) => t.table);
    expect(indexed).toEqual(
      expect.arrayContaining([
        'communities.area',
        'organizations.organization',
        'facilities.facility',
        'facilities.booking',
        'housing.development',
        'procurement.contract',
      ]),
    );
  }, 240_000);
});
