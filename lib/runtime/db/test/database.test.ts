/**
 * Database-wide session settings the migrations make: JIT compilation off for every new session
 * (it cost the facility search 36 ms per statement at 100×: migration 20261126000300), as
 * PostgreSQL applies a database's settings to sessions opened after them.
 */
import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '../database';
import { migrationTimelines } from '../../../../scripts/subgraph-code';
import { migrate } from '../migrate';
import { databaseKind, withAdmin } from '../../../../test/support/database';

async function jitOfNewSessions(): Promise<string[]> {
  const name = `crg_jit_${randomBytes(6).toString('hex')}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name}`));
  let db: Database | undefined;
  try {
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${name}`;
    const migrating = await openDatabase({ url: url.toString(), poolSize: 1 });
    await migrate(migrating, migrationTimelines());
    await migrating.close();
    db = await openDatabase({ url: url.toString(), poolSize: 3 });
    // Three at once, so three pooled connections answer.
    return await Promise.all(
      [0, 1, 2].map(async () => (await db!.query<{ jit: string }>(`SELECT current_setting('jit') AS jit, pg_sleep(0.05)::text`))[0]!.jit),
    );
  } finally {
    await db?.close();
    await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}

const onPostgres = databaseKind() === 'postgres' ? test : test.skip;
const onPGlite = databaseKind() === 'pglite' ? test : test.skip;

onPostgres('after the migrations every new session runs without JIT (PostgreSQL)', async () => {
  for (const jit of await jitOfNewSessions()) expect(jit).toBe('off');
});

// PGlite does not apply a database's settings to its one session, and has nothing to turn off.
onPGlite('PGlite cannot compile statements at all (PGlite)', async () => {
  const db = await openDatabase({});
  try {
    expect(await db.query(`SELECT pg_jit_available() AS available`)).toEqual([{ available: false }]);
  } finally {
    await db.close();
  }
});
