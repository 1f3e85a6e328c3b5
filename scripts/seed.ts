/**
 * `npm run seed [-- --scale N]`: migrates DATABASE_URL (or the embedded database) and seeds the
 * city at N times the demo's size (1: the demo city), then prints what it holds and how long it
 * took. A database holds one scale: seed another into a fresh database.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/runtime/config';
import { migrate } from '../lib/runtime/db';
import { openConfiguredDatabase } from '../lib/runtime/process';
import { seedScale } from '../seed/scale';
import { subgraphDefaults } from '../subgraphs';
import { loadSubgraphs, migrationTimelines } from './subgraph-code';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' } } });
  const config = loadConfig(process.env, subgraphDefaults());
  const database = await openConfiguredDatabase(config);
  try {
    await migrate(database, migrationTimelines());
    const summary = await seedScale(database, await loadSubgraphs(), Number(values.scale));
    console.log(JSON.stringify({ database: database.kind, ...summary }));
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
