import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import { openDatabase, type Database } from '../../lib/runtime/db';
import { databaseUrl, PGLITE_SNAPSHOT_ENV, POSTGRES_TEMPLATE_ENV } from './snapshot';

export type DatabaseKind = 'pglite' | 'postgres';

/** The database this Jest project runs on. */
export function databaseKind(): DatabaseKind {
  const kind = process.env.TEST_DB_KIND;
  if (kind !== 'pglite' && kind !== 'postgres') throw new Error('Database tests run in the pglite or postgres project.');
  return kind;
}

const dropOnClose = new WeakMap<Database, string>();

/** Runs `work` on an admin connection to the PostgreSQL server of TEST_DATABASE_URL. */
export async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, migrated, empty database of this project's kind: a copy of the run's migrated PGlite
 * image, or a new PostgreSQL database created from the run's migrated template.
 */
export async function createTestDatabase(): Promise<Database> {
  if (databaseKind() === 'pglite') {
    const file = process.env[PGLITE_SNAPSHOT_ENV];
    if (!file) throw new Error('No PGlite snapshot: run the tests through jest.config.js.');
    return openDatabase({ loadDataDir: new Blob([fs.readFileSync(file)]) });
  }
  const template = process.env[POSTGRES_TEMPLATE_ENV];
  if (!template) throw new Error('No PostgreSQL template: run the tests through jest.config.js.');
  const name = `crg_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(async (admin) => {
    // Copies from one template can collide for a moment; retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        return;
      } catch (error) {
        if (attempt >= 20 || !/being accessed by other users/.test(String(error))) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + attempt * 50));
      }
    }
  });
  const database = await openDatabase({ url: databaseUrl(process.env.TEST_DATABASE_URL!, name), poolSize: 5 });
  dropOnClose.set(database, name);
  return database;
}

/** Closes a test database and, on PostgreSQL, drops it. */
export async function dropTestDatabase(database: Database): Promise<void> {
  await database.close();
  const name = dropOnClose.get(database);
  if (name) await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/**
 * A second, independent connection pool to the same PostgreSQL test database (concurrency
 * tests); undefined on PGlite, which is one connection by nature.
 */
export async function openSecondConnection(database: Database): Promise<Database | undefined> {
  const url = testDatabaseUrl(database);
  return url ? openDatabase({ url, poolSize: 5 }) : undefined;
}

/** The connection string of a PostgreSQL test database (for child processes); undefined on PGlite. */
export function testDatabaseUrl(database: Database): string | undefined {
  const name = dropOnClose.get(database);
  return name ? databaseUrl(process.env.TEST_DATABASE_URL!, name) : undefined;
}
