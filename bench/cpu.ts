import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import pg from 'pg';

/**
 * CPU time, the figure that survives a shared machine's noise better than latency: per process
 * from /proc/<pid>/stat (utime + stime of the services' own pids), and PostgreSQL's time per
 * statement from pg_stat_statements when the server preloads it.
 */

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU milliseconds (user + system) a process has used so far; null when it is gone. */
export function processCpuMs(pid: number): number | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after the command name, which may hold spaces and ends at the last ')': state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** This process's CPU milliseconds so far (the in-process graph). */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** PostgreSQL's execution and planning time and statement count so far in one database. */
export interface PgTime {
  ms: number;
  calls: number;
}

export type PgStatements =
  { available: true; planning: boolean; snapshot(): Promise<PgTime>; close(): Promise<void> } | { available: false; reason: string };

/**
 * pg_stat_statements on the database at `url`: available when the server preloads the module
 * (shared_preload_libraries) and the extension can be created there; planning time counts only
 * when pg_stat_statements.track_planning is on (reported as `planning`).
 */
export async function openPgStatements(url: string | undefined): Promise<PgStatements> {
  if (!url) return { available: false, reason: 'n/a (embedded PGlite)' };
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const fail = async (reason: string) => {
    await client.end();
    return { available: false as const, reason };
  };
  const preload = (await client.query<{ shared_preload_libraries: string }>('SHOW shared_preload_libraries')).rows[0]!;
  if (!preload.shared_preload_libraries.split(',').some((name) => name.trim() === 'pg_stat_statements'))
    return fail('n/a (pg_stat_statements not preloaded)');
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  } catch (error) {
    return fail(`n/a (CREATE EXTENSION pg_stat_statements failed: ${error instanceof Error ? error.message : String(error)})`);
  }
  const planning =
    (await client.query<{ on: string }>("SELECT current_setting('pg_stat_statements.track_planning') AS on")).rows[0]!.on === 'on';
  return {
    available: true,
    planning,
    // Every statement in this database but the snapshot itself.
    snapshot: async () => {
      const { rows } = await client.query<{ ms: number; calls: string }>(
        `SELECT coalesce(sum(total_exec_time + total_plan_time), 0)::float8 AS ms, coalesce(sum(calls), 0)::bigint AS calls
           FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND query NOT LIKE '%pg_stat_statements%'`,
      );
      return { ms: rows[0]!.ms, calls: Number(rows[0]!.calls) };
    },
    close: () => client.end(),
  };
}
