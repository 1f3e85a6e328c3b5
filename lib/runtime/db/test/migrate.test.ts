/**
 * The migration runner against real databases (PGlite, and PostgreSQL when TEST_DATABASE_URL is
 * set): what it records in `_prisma_migrations`, that it refuses edited or half-applied history,
 * that a failed migration leaves nothing behind, and that concurrent runners are serialised by
 * Prisma's own advisory lock.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../database';
import { DATABASE_TIMELINE, migrate, MigrationError, PRISMA_MIGRATE_LOCK, type MigrationTimeline } from '../migrate';
import { migrationTimelines } from '../../../../scripts/subgraph-code';
import { subgraphs } from '../../../../subgraphs';
import { databaseKind, withAdmin } from '../../../../test/support/database';
import { databaseUrl } from '../../../../test/support/snapshot';

const TIMELINES = migrationTimelines();

// --- Empty (unmigrated) databases -----------------------------------------------------------

interface EmptyDatabase {
  /** The database the test migrates. */
  db: Database;
  /** Another independent pool to the same database (PostgreSQL only). */
  openAnother(): Promise<Database | undefined>;
  /** Closes every pool opened here and, on PostgreSQL, drops the database. */
  dispose(): Promise<void>;
}

/**
 * Starting PGlite costs seconds, so the file shares one in-memory instance and empties it for
 * each use: every schema but the system ones is dropped (with `_prisma_migrations` in public).
 */
let sharedPGlite: Promise<Database> | undefined;

async function emptyPGlite(): Promise<Database> {
  sharedPGlite ??= openDatabase({});
  const db = await sharedPGlite;
  const schemas = await db.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace
      WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'`,
  );
  await db.exec(
    ['SELECT pg_advisory_unlock_all();', ...schemas.map((s) => `DROP SCHEMA "${s.nspname}" CASCADE;`), 'CREATE SCHEMA public;'].join('\n'),
  );
  return db;
}

afterAll(async () => {
  if (sharedPGlite) await (await sharedPGlite).close();
});

async function createEmptyDatabase(): Promise<EmptyDatabase> {
  if (databaseKind() === 'pglite') {
    const db = await emptyPGlite();
    expect(await db.query(`SELECT to_regclass('"_prisma_migrations"')::text AS t`)).toEqual([{ t: null }]);
    return { db, openAnother: async () => undefined, dispose: async () => undefined };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('The postgres project needs TEST_DATABASE_URL.');
  const name = `crg_mig_${randomBytes(6).toString('hex')}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = databaseUrl(adminUrl, name);
  const pools: Database[] = [];
  const open = async () => {
    const database = await openDatabase({ url, poolSize: 3 });
    pools.push(database);
    return database;
  };
  const db = await open();
  return {
    db,
    openAnother: open,
    async dispose() {
      await Promise.allSettled(pools.map((p) => p.close()));
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** Runs `work` against a fresh empty database and always disposes of it. */
async function withEmptyDatabase(work: (empty: EmptyDatabase) => Promise<void>): Promise<void> {
  const empty = await createEmptyDatabase();
  try {
    await work(empty);
  } finally {
    await empty.dispose();
  }
}

// --- Temporary migration directories ---------------------------------------------------------

const tempDirs: string[] = [];

/** A migrations directory in Prisma's layout holding the given `name → SQL` migrations. */
function migrationsDir(migrations: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crg-migrate-test-'));
  tempDirs.push(dir);
  for (const [name, sql] of Object.entries(migrations)) writeMigration(dir, name, sql);
  return dir;
}

function writeMigration(dir: string, name: string, sql: string): string {
  fs.mkdirSync(path.join(dir, name), { recursive: true });
  const file = path.join(dir, name, 'migration.sql');
  fs.writeFileSync(file, sql);
  return file;
}

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

// --- Queries ---------------------------------------------------------------------------------

/** sha256 of the file's bytes, computed independently of the runner's checksumOf. */
function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

async function migrationRows(db: Database, schema = 'public'): Promise<MigrationRow[]> {
  return db.query<MigrationRow>(
    `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
       FROM "${schema}"."_prisma_migrations" ORDER BY started_at, migration_name`,
  );
}

async function tableExists(db: Database, qualifiedName: string): Promise<boolean> {
  const [row] = await db.query<{ name: string | null }>('SELECT to_regclass($1)::text AS name', [qualifiedName]);
  return row?.name != null;
}

function sortedCopy(values: readonly string[]): string[] {
  return [...values].sort();
}

// --- Tests -----------------------------------------------------------------------------------

/** A timeline's migrations as the test reads them from disk. */
function onDisk(timeline: MigrationTimeline) {
  return fs
    .readdirSync(timeline.dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const file = path.join(timeline.dir, name, 'migration.sql');
      return { name, file, checksum: sha256File(file) };
    });
}

describe('migrate: the real migrations', () => {
  let empty: EmptyDatabase;
  beforeAll(async () => {
    empty = await createEmptyDatabase();
  });
  afterAll(async () => {
    await empty?.dispose();
  });

  const expected = TIMELINES.map((timeline) => ({ timeline, migrations: onDisk(timeline) }));

  test('each subgraph has its own timeline in its folder, recorded in its own schema, after the database-wide one', () => {
    expect(TIMELINES[0]).toEqual(DATABASE_TIMELINE);
    expect(TIMELINES.slice(1).map((t) => [path.relative(path.resolve(__dirname, '../../../..'), t.dir), t.schema])).toEqual(
      subgraphs.map((s) => [`subgraphs/${s.name}/prisma/migrations`, s.name]),
    );
    for (const { migrations } of expected) expect(migrations.length).toBeGreaterThan(0);
  });

  test("a fresh apply runs every timeline in order and records each migration as Prisma does, in its timeline's schema", async () => {
    const { db } = empty;
    const result = await migrate(db, TIMELINES);
    expect(result.applied).toEqual(expected.flatMap(({ migrations }) => migrations.map((m) => m.name)));

    for (const { timeline, migrations } of expected) {
      const rows = await migrationRows(db, timeline.schema);
      expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(migrations.map((m) => [m.name, m.checksum]));
      for (const row of rows) {
        expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(row.rolled_back_at).toBeNull();
        expect(row.applied_steps_count).toBe(1);
        expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      }
    }

    // Every schema a migration creates exists, and the tables are queryable.
    const schemas = new Set<string>();
    for (const migration of expected.flatMap(({ migrations }) => migrations)) {
      const sql = fs.readFileSync(migration.file, 'utf8');
      for (const match of sql.matchAll(/CREATE\s+SCHEMA\s+(?:IF\s+NOT\s+EXISTS\s+)?"?(\w+)"?/gi)) schemas.add(match[1]!);
    }
    expect(sortedCopy([...schemas])).toEqual(sortedCopy(subgraphs.map((s) => s.name)));
    const present = await db.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE nspname = ANY($1::text[])', [[...schemas]]);
    expect(sortedCopy(present.map((r) => r.nspname))).toEqual(sortedCopy([...schemas]));
    await expect(db.query('SELECT count(*)::int AS n FROM communities.area')).resolves.toEqual([{ n: 0 }]);
  });

  test('re-running is a no-op', async () => {
    const { db } = empty;
    await migrate(db, TIMELINES); // a no-op too if the previous test ran
    const before = await Promise.all(TIMELINES.map((t) => migrationRows(db, t.schema)));
    expect(before.map((rows) => rows.length)).toEqual(expected.map(({ migrations }) => migrations.length));

    const result = await migrate(db, TIMELINES);
    expect(result.applied).toEqual([]);
    const after = await Promise.all(TIMELINES.map((t) => migrationRows(db, t.schema)));
    expect(after).toEqual(before);
  });

  test('a database migrated when every migration was recorded in public is adopted, not migrated again', async () => {
    const { db } = empty;
    await migrate(db, TIMELINES);
    const before = await Promise.all(TIMELINES.map((t) => migrationRows(db, t.schema)));
    // The layout before issue 21: one table in public held every subgraph's migrations.
    for (const timeline of TIMELINES.slice(1)) {
      await db.exec(
        `INSERT INTO public."_prisma_migrations" SELECT * FROM "${timeline.schema}"."_prisma_migrations";
         DROP TABLE "${timeline.schema}"."_prisma_migrations";`,
      );
    }

    expect((await migrate(db, TIMELINES)).applied).toEqual([]);
    expect(await Promise.all(TIMELINES.map((t) => migrationRows(db, t.schema)))).toEqual(before);
  });
});

describe('migrate: behaviour', () => {
  test('an applied migration whose file changed is refused, and nothing else is applied', async () => {
    await withEmptyDatabase(async ({ db }) => {
      const dir = migrationsDir({
        '20260101000100_first': 'CREATE TABLE first_table (id INTEGER PRIMARY KEY);\n',
        '20260101000200_second': 'CREATE TABLE second_table (id INTEGER PRIMARY KEY);\n',
      });
      expect((await migrate(db, dir)).applied).toEqual(['20260101000100_first', '20260101000200_second']);
      const applied = await migrationRows(db);

      const edited = path.join(dir, '20260101000200_second', 'migration.sql');
      fs.appendFileSync(edited, '-- edited after it was applied\n');
      writeMigration(dir, '20260101000300_third', 'CREATE TABLE third_table (id INTEGER PRIMARY KEY);\n');
      // A pending migration that sorts before the edited one must not slip through either.
      writeMigration(dir, '20260101000150_between', 'CREATE TABLE between_table (id INTEGER PRIMARY KEY);\n');

      const error = await migrate(db, dir).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as MigrationError).file).toBe(edited);
      expect((error as MigrationError).message).toContain(edited);

      expect(await tableExists(db, 'third_table')).toBe(false);
      expect(await tableExists(db, 'between_table')).toBe(false);
      const rows = await migrationRows(db);
      expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(applied.map((r) => [r.migration_name, r.checksum]));
      expect(rows.find((r) => r.migration_name === '20260101000200_second')!.checksum).not.toBe(sha256File(edited));
    });
  });

  test('a failing migration is rolled back entirely and recorded; fixing it and re-running applies it', async () => {
    await withEmptyDatabase(async ({ db }) => {
      const dir = migrationsDir({
        '20260101000100_ok': 'CREATE TABLE ok_table (id INTEGER);\n',
        '20260101000200_broken': 'CREATE TABLE a ();\nINSERT INTO ok_table VALUES (1);\nSELECT 1/0;\n',
        '20260101000300_later': 'CREATE TABLE later_table (id INTEGER);\n',
      });
      const broken = path.join(dir, '20260101000200_broken', 'migration.sql');

      const error = await migrate(db, dir).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as MigrationError).file).toBe(broken);
      expect((error as MigrationError).message).toMatch(/division by zero/);

      // The earlier migration stays; nothing of the broken one remains; the later one never ran.
      expect(await tableExists(db, 'ok_table')).toBe(true);
      expect(await db.query('SELECT count(*)::int AS n FROM ok_table')).toEqual([{ n: 0 }]);
      expect(await tableExists(db, 'a')).toBe(false);
      expect(await tableExists(db, 'later_table')).toBe(false);

      const rows = await migrationRows(db);
      expect(rows.map((r) => r.migration_name)).toEqual(['20260101000100_ok', '20260101000200_broken']);
      const [ok, failed] = rows as [MigrationRow, MigrationRow];
      expect(ok.finished_at).toBeInstanceOf(Date);
      expect(ok.rolled_back_at).toBeNull();
      expect(failed.rolled_back_at).toBeInstanceOf(Date);
      expect(failed.finished_at).toBeNull();
      expect(failed.logs).toMatch(/division by zero/);
      expect(failed.checksum).toBe(sha256File(broken));
      expect(failed.id).toHaveLength(36);

      // Fixed, it applies (with the later migration); the rolled-back record stays as history.
      fs.writeFileSync(broken, 'CREATE TABLE a ();\n');
      expect((await migrate(db, dir)).applied).toEqual(['20260101000200_broken', '20260101000300_later']);
      expect(await tableExists(db, 'a')).toBe(true);
      expect(await tableExists(db, 'later_table')).toBe(true);
      const after = await migrationRows(db);
      const brokenRows = after.filter((r) => r.migration_name === '20260101000200_broken');
      expect(brokenRows).toHaveLength(2);
      expect(brokenRows.filter((r) => r.rolled_back_at === null)).toEqual([
        expect.objectContaining({ checksum: sha256File(broken), applied_steps_count: 1, finished_at: expect.any(Date) }),
      ]);
      expect((await migrate(db, dir)).applied).toEqual([]);
    });
  });

  test('a migration that started but never finished blocks further migrating', async () => {
    await withEmptyDatabase(async ({ db }) => {
      const dir = migrationsDir({ '20260101000100_only': 'CREATE TABLE only_table (id INTEGER);\n' });
      await migrate(db, dir);
      writeMigration(dir, '20260101000200_next', 'CREATE TABLE next_table (id INTEGER);\n');
      // What a crashed `prisma migrate deploy` leaves behind.
      await db.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at)
         VALUES ('00000000-0000-4000-8000-000000000000', repeat('0', 64), '20260101000150_crashed', now())`,
      );
      const error = await migrate(db, dir).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as MigrationError).message).toContain('20260101000150_crashed');
      expect(await tableExists(db, 'next_table')).toBe(false);
    });
  });

  // Only PostgreSQL can fail without the advisory lock: on PGlite both runners share one
  // connection, whose session queue (a genuine check of its own) keeps them apart.
  test('two concurrent runners apply each migration exactly once (PostgreSQL: two connections and the advisory lock; PGlite: one connection and its session queue)', async () => {
    await withEmptyDatabase(async (empty) => {
      // Slow, and failing if run twice (CREATE TABLE without IF NOT EXISTS).
      const names = ['20260101000100_slow_a', '20260101000200_slow_b', '20260101000300_slow_c'];
      const dir = migrationsDir(
        Object.fromEntries(names.map((name, i) => [name, `SELECT pg_sleep(0.3);\nCREATE TABLE slow_${i} (id INTEGER);\n`])),
      );
      let runners: [Database, Database];
      if (databaseKind() === 'postgres') {
        const other = await empty.openAnother();
        expect(other).toBeDefined();
        runners = [empty.db, other!];
      } else {
        expect(databaseKind()).toBe('pglite');
        runners = [empty.db, empty.db];
      }
      const results = await Promise.all(runners.map((db) => migrate(db, dir)));
      const applied = results.flatMap((r) => r.applied);
      expect(sortedCopy(applied)).toEqual(names);
      expect(new Set(applied).size).toBe(applied.length);

      const counts = await empty.db.query<{ migration_name: string; n: number }>(
        `SELECT migration_name, count(*)::int AS n FROM "_prisma_migrations"
          WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL GROUP BY migration_name ORDER BY migration_name`,
      );
      expect(counts).toEqual(names.map((migration_name) => ({ migration_name, n: 1 })));
      expect(await empty.db.query('SELECT count(*)::int AS n FROM "_prisma_migrations"')).toEqual([{ n: names.length }]);
    });
  });

  test("migrations run under Prisma Migrate's advisory lock (72707369)", async () => {
    expect(PRISMA_MIGRATE_LOCK).toBe(72707369);

    // Seen from inside a migration, on either kind: the runner's own session holds the lock.
    await withEmptyDatabase(async ({ db }) => {
      const dir = migrationsDir({
        '20260101000100_observe_lock': `CREATE TABLE lock_seen AS
           SELECT classid::int AS classid, objid::int AS objid, objsubid::int AS objsubid, granted,
                  pid = pg_backend_pid() AS mine
             FROM pg_locks
            WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database());\n`,
      });
      await migrate(db, dir);
      // A bigint key k is recorded as classid = k >> 32, objid = k & 0xffffffff, objsubid = 1.
      expect(await db.query('SELECT classid, objid, objsubid, granted, mine FROM lock_seen')).toEqual([
        { classid: 0, objid: PRISMA_MIGRATE_LOCK, objsubid: 1, granted: true, mine: true },
      ]);
      // Released afterwards.
      expect(
        await db.query(
          `SELECT count(*)::int AS n FROM pg_locks
            WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        ),
      ).toEqual([{ n: 0 }]);
    });

    if (databaseKind() === 'postgres') {
      await withEmptyDatabase(async (empty) => {
        const observer = (await empty.openAnother())!;
        const held = () =>
          observer.query<{ pid: number; granted: boolean }>(
            `SELECT pid, granted FROM pg_locks
              WHERE locktype = 'advisory' AND classid = 0 AND objid = $1 AND objsubid = 1 AND database =
                    (SELECT oid FROM pg_database WHERE datname = current_database())`,
            [PRISMA_MIGRATE_LOCK],
          );

        // 1. Another connection sees the lock held while a slow migration runs.
        const slow = migrationsDir({ '20260101000100_slow': 'SELECT pg_sleep(0.6);\nCREATE TABLE slow_table (id INTEGER);\n' });
        const running = migrate(empty.db, slow);
        let seen: { pid: number; granted: boolean }[] = [];
        for (let i = 0; i < 50 && seen.length === 0; i++) {
          seen = await held();
          if (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(seen).toEqual([{ pid: expect.any(Number), granted: true }]);
        await running;
        expect(await held()).toEqual([]);

        // 2. A runner waits while someone else (e.g. `prisma migrate deploy`) holds that lock.
        const next = migrationsDir({
          '20260101000100_slow': 'SELECT pg_sleep(0.6);\nCREATE TABLE slow_table (id INTEGER);\n',
          '20260101000200_after': 'CREATE TABLE after_table (id INTEGER);\n',
        });
        let done = false;
        await observer.withSession(async (session) => {
          await session.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
          const waiting = migrate(empty.db, next).finally(() => {
            done = true;
          });
          try {
            await new Promise((resolve) => setTimeout(resolve, 400));
            expect(done).toBe(false);
            expect(await tableExists(observer, 'after_table')).toBe(false);
          } finally {
            await session.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK]);
          }
          expect((await waiting).applied).toEqual(['20260101000200_after']);
        });
      });
    } else {
      // PGlite is a single connection: no other session can observe or contend for the lock.
      expect(databaseKind()).toBe('pglite');
    }
  });
});
