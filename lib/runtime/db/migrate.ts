import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Database, Session } from './database';

/**
 * Applies SQL migrations in Prisma's layout (`<dir>/<timestamp>_<name>/migration.sql`) and
 * records them in `_prisma_migrations` exactly as Prisma Migrate does, under Prisma's advisory
 * lock, so `prisma migrate status`/`deploy` agree with it. Unlike Prisma, each migration runs
 * in its own transaction: a failed one leaves nothing behind.
 *
 * A database holds several timelines: each subgraph's (`subgraphs/<name>/prisma/migrations`,
 * recorded in its own schema's `_prisma_migrations`, where Prisma looks when the connection
 * URL says `?schema=<name>`) and the database-wide one beside this file (recorded in
 * `public`). A subgraph's timeline is its own: it can be shipped and migrated alone.
 */

/** The advisory lock key Prisma Migrate takes (72707369, "prisma" on a phone keypad). */
export const PRISMA_MIGRATE_LOCK = 72707369;

/** Database-wide settings no subgraph owns (e.g. JIT off), recorded in `public`. */
export const DATABASE_MIGRATIONS_DIR = path.resolve(__dirname, 'migrations');

/** One timeline: its folder, and the schema whose `_prisma_migrations` records it. */
export interface MigrationTimeline {
  dir: string;
  schema: string;
}

/** The database-wide timeline. */
export const DATABASE_TIMELINE: MigrationTimeline = { dir: DATABASE_MIGRATIONS_DIR, schema: 'public' };

export interface MigrationFile {
  name: string;
  file: string;
  script: string;
  checksum: string;
}

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

export function checksumOf(script: string): string {
  return createHash('sha256').update(script, 'utf8').digest('hex');
}

export function readMigrations(dir: string): MigrationFile[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const file = path.join(dir, name, 'migration.sql');
      const script = fs.readFileSync(file, 'utf8');
      return { name, file, script, checksum: checksumOf(script) };
    });
}

/** The quoted name of a timeline's bookkeeping table. */
function migrationsTable(schema: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`${schema} is not a schema name`);
  return `"${schema}"."_prisma_migrations"`;
}

// Prisma's own definition of its bookkeeping table.
const createMigrationsTable = (schema: string) => `
CREATE SCHEMA IF NOT EXISTS "${schema}";
CREATE TABLE IF NOT EXISTS ${migrationsTable(schema)} (
    "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"            VARCHAR(64) NOT NULL,
    "finished_at"         TIMESTAMPTZ,
    "migration_name"      VARCHAR(255) NOT NULL,
    "logs"                TEXT,
    "rolled_back_at"      TIMESTAMPTZ,
    "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Until issue 21 every migration was recorded in `public`: a subgraph's rows move to its own
 * table (same ids, checksums and times), so a database migrated before is not migrated again.
 */
async function adoptEarlierRecords(session: Session, timeline: MigrationTimeline, names: string[]): Promise<void> {
  if (timeline.schema === 'public' || names.length === 0) return;
  const [legacy] = await session.query<{ present: boolean }>(`SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS present`);
  if (!legacy?.present) return;
  await session.exec('BEGIN');
  try {
    await session.query(
      `INSERT INTO ${migrationsTable(timeline.schema)} SELECT * FROM public."_prisma_migrations" WHERE migration_name = ANY($1::text[])`,
      [names],
    );
    await session.query(`DELETE FROM public."_prisma_migrations" WHERE migration_name = ANY($1::text[])`, [names]);
    await session.exec('COMMIT');
  } catch (error) {
    await session.exec('ROLLBACK');
    throw error;
  }
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export interface MigrationResult {
  applied: string[];
}

/**
 * Applies what is pending in each timeline, in order. A string is one timeline recorded in
 * `public` (a folder of its own, as tests make).
 */
export async function migrate(
  database: Database,
  timelines: string | MigrationTimeline | readonly MigrationTimeline[],
): Promise<MigrationResult> {
  const list = typeof timelines === 'string' ? [{ dir: timelines, schema: 'public' }] : 'dir' in timelines ? [timelines] : timelines;
  return database.withSession(async (session) => {
    await session.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
    try {
      const applied: string[] = [];
      for (const timeline of list) applied.push(...(await migrateTimeline(session, timeline)));
      return { applied };
    } finally {
      await session.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK]);
    }
  });
}

async function migrateTimeline(session: Session, timeline: MigrationTimeline): Promise<string[]> {
  const migrations = readMigrations(timeline.dir);
  const table = migrationsTable(timeline.schema);
  await session.exec(createMigrationsTable(timeline.schema));
  await adoptEarlierRecords(
    session,
    timeline,
    migrations.map((m) => m.name),
  );
  const rows = await session.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM ${table} ORDER BY started_at`,
  );
  const done = new Map<string, AppliedRow>();
  for (const row of rows) {
    if (row.rolled_back_at !== null) continue;
    if (row.finished_at === null) {
      throw new MigrationError(
        `Migration ${row.migration_name} started but never finished; resolve it before migrating again.`,
        row.migration_name,
      );
    }
    done.set(row.migration_name, row);
  }
  // The whole history is checked before anything is applied.
  for (const migration of migrations) {
    const row = done.get(migration.name);
    if (row && row.checksum !== migration.checksum) {
      throw new MigrationError(
        `${migration.file} was changed after it was applied (checksum ${migration.checksum}, applied ${row.checksum}). ` +
          'Applied migrations must not be edited: add a new migration instead.',
        migration.file,
      );
    }
  }
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.name)) continue;
    await applyOne(session, table, migration);
    applied.push(migration.name);
  }
  return applied;
}

async function applyOne(session: Session, table: string, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  await session.exec('BEGIN');
  try {
    await session.query(`INSERT INTO ${table} (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`, [
      id,
      migration.checksum,
      migration.name,
    ]);
    await session.exec(migration.script);
    await session.query(`UPDATE ${table} SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`, [id]);
    await session.exec('COMMIT');
  } catch (error) {
    await session.exec('ROLLBACK');
    const message = error instanceof Error ? error.message : String(error);
    // Recorded as rolled back, as `prisma migrate resolve --rolled-back` would: nothing of it remains.
    await session.query(
      `INSERT INTO ${table} (id, checksum, migration_name, logs, started_at, rolled_back_at)
       VALUES ($1, $2, $3, $4, now(), now())`,
      [id, migration.checksum, migration.name, message],
    );
    throw new MigrationError(`${migration.file} failed and was rolled back: ${message}`, migration.file);
  }
}
