import fs from 'node:fs';
import { migrate, openDatabase } from '../../lib/runtime/db';
import { migrationTimelines } from '../../scripts/subgraph-code';
import { PGLITE_SNAPSHOT_ENV, snapshotPath } from './snapshot';

/** Migrates one PGlite database per run; every test database starts from a copy of it. */
export default async function globalSetup(): Promise<void> {
  const database = await openDatabase({});
  await migrate(database, migrationTimelines());
  const image = await database.dump!();
  await database.close();
  const file = snapshotPath();
  fs.writeFileSync(file, Buffer.from(await image.arrayBuffer()));
  process.env[PGLITE_SNAPSHOT_ENV] = file;
}
