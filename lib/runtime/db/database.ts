import fs from 'node:fs';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';

/** One connection held for a unit of work (a migration's advisory lock and transactions). */
export interface Session {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements. */
  exec(sql: string): Promise<void>;
}

/**
 * The database a process talks to: PostgreSQL when DATABASE_URL is set, otherwise embedded
 * PGlite (same SQL). Every subgraph's Prisma client is built on `adapter`.
 */
export interface Database extends Session {
  readonly kind: 'pglite' | 'postgres';
  readonly adapter: SqlMigrationAwareDriverAdapterFactory;
  /** Runs `work` on one connection that nothing else uses meanwhile. */
  withSession<T>(work: (session: Session) => Promise<T>): Promise<T>;
  /** The embedded database's data directory as an image (tests start copies from it). */
  dump?(): Promise<Blob>;
  /** Connections in the pool (PostgreSQL only; PGlite is one connection by nature). */
  poolStats?: () => { max: number; total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

/** Called with every SQL statement a store sends and its parameters as JSON (tests count and explain them). */
export type OnQuery = (sql: string, params: string) => void;

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent the embedded database is used. */
  url?: string;
  poolSize?: number;
  /** How long a caller waits for a pool connection before failing (PostgreSQL); absent means unbounded. */
  poolWaitMs?: number;
  /** PGlite data directory; absent means in memory. */
  dataDir?: string;
  /** A PGlite `dumpDataDir()` image to start from (tests start from a migrated copy). */
  loadDataDir?: Blob | File;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options.poolSize ?? 10, options.poolWaitMs) : openPGlite(options);
}

function openPostgres(url: string, poolSize: number, poolWaitMs: number | undefined): Database {
  // A full pool makes callers queue; the wait is bounded like a lock wait ("timeout exceeded when
  // trying to connect", SERVICE_UNAVAILABLE), so a burst cannot hold requests past their deadline.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: poolWaitMs ?? 0 });
  // A client that loses its connection must not crash the process: idle ones report to the
  // pool, and one held between the statements of a transaction reports to itself (its next
  // statement then fails as a lost database, SERVICE_UNAVAILABLE).
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const session = (client: pg.PoolClient | pg.Pool): Session => ({
    query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
    exec: async (sql: string) => void (await client.query(sql)),
  });
  return {
    kind: 'postgres',
    adapter: new PrismaPg(pool),
    ...session(pool),
    poolStats: () => ({ max: poolSize, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async withSession(work) {
      const client = await pool.connect();
      try {
        return await work(session(client));
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

async function openPGlite(options: DatabaseOptions): Promise<Database> {
  // PGlite is ESM; a dynamic import keeps this module loadable from CommonJS.
  const { PGlite } = await import('@electric-sql/pglite');
  if (options.dataDir) fs.mkdirSync(path.dirname(options.dataDir), { recursive: true });
  // Extensions are compiled into PGlite separately and must be registered to be CREATEd:
  // btree_gist backs the exclusion constraints against double booking.
  const { btree_gist } = await import('@electric-sql/pglite/contrib/btree_gist');
  const db = await PGlite.create({ dataDir: options.dataDir, loadDataDir: options.loadDataDir, extensions: { btree_gist } });
  // PGlite is one connection: a session is exclusive use of it, queued in order.
  let queue: Promise<unknown> = Promise.resolve();
  const session: Session = {
    query: async <T>(sql: string, params?: unknown[]) => (await db.query(sql, params)).rows as T[],
    exec: async (sql: string) => void (await db.exec(sql)),
  };
  return {
    kind: 'pglite',
    // The adapter is typed against PGlite's CommonJS declarations; it is the same class.
    adapter: new PrismaPGlite(db as never),
    ...session,
    withSession<T>(work: (s: Session) => Promise<T>): Promise<T> {
      const run = queue.then(() => work(session));
      queue = run.catch(() => undefined);
      return run;
    },
    dump: () => db.dumpDataDir('none'),
    async close() {
      if (!db.closed) await db.close();
    },
  };
}
