/** `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database). */
import { loadConfig } from '../lib/runtime/config';
import { migrate } from '../lib/runtime/db';
import { failStartup, openConfiguredDatabase } from '../lib/runtime/process';
import { subgraphDefaults } from '../subgraphs';
import { migrationTimelines } from './subgraph-code';

(async () => {
  const config = loadConfig(process.env, subgraphDefaults());
  const database = await openConfiguredDatabase(config);
  try {
    const { applied } = await migrate(database, migrationTimelines());
    console.log(applied.length ? `Applied ${applied.join(', ')}.` : 'The database is up to date.');
  } finally {
    await database.close();
  }
})().catch(failStartup);
