import os from 'node:os';
import path from 'node:path';

/** Where global setup leaves the migrated PGlite image for this run's tests. */
export const PGLITE_SNAPSHOT_ENV = 'CRG_PGLITE_SNAPSHOT';
/** The migrated PostgreSQL template database this run's tests copy. */
export const POSTGRES_TEMPLATE_ENV = 'CRG_POSTGRES_TEMPLATE';

export function snapshotPath(): string {
  return path.join(os.tmpdir(), `crg-pglite-${process.pid}-${Date.now()}.tar`);
}

/** The admin URL with another database name. */
export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
