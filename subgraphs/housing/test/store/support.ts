import { randomUUID } from 'node:crypto';
import type { Actor } from '../../../../lib/kernel/actor';
import type { Database } from '../../../../lib/runtime/db';
import pg from 'pg';
import { createTestDatabase, dropTestDatabase, testDatabaseUrl } from '../../../../test/support/database';
import { loadHousingConfig } from '../../src/config';
import type { PremisesState } from '../../src/generated/prisma/enums';
import type { DevelopmentModel, NewPremises, PremisesChange, PremisesModel } from '../../src/models';
import { createHousingStore, type HousingStore } from '../../src/store';

/** The city of the demo data; its day is the store's today. */
export const TIME_ZONE = 'Asia/Shanghai';
export const CITY = '510100000000';
export const WUHOU = '510107000000';
export const JINYANG = '510107001000';
export const JIFU = '510107001001';
export const OTHER_JINYANG = '510107001002';
export const JINJIANG_COMMUNITY = '510104001001';

export const officer: Actor = {
  id: 'district-officer',
  roles: ['DISTRICT_CIVIL_AFFAIRS'],
  org: null,
  area: WUHOU,
  requestId: 'store-test',
};
export const street: Actor = { id: 'street-officer', roles: ['STREET_OFFICER'], org: null, area: JINYANG, requestId: 'store-test' };

export interface StoreHarness {
  store: HousingStore;
  database: Database;
  close(): Promise<void>;
}

/** The housing store alone on a fresh, empty database, with the default housing settings. */
export async function openStore(env: Record<string, string> = {}): Promise<StoreHarness> {
  const database = await createTestDatabase();
  const store = createHousingStore(database, undefined, TIME_ZONE, loadHousingConfig(env));
  return {
    store,
    database,
    async close() {
      await store.close();
      await dropTestDatabase(database);
    },
  };
}

/** A development of a random developer; land granted before the policy date is bought back. */
export function development(
  store: HousingStore,
  over: Partial<Parameters<HousingStore['developments']['register']>[0]> = {},
): Promise<DevelopmentModel> {
  return store.developments.register(
    {
      developerId: randomUUID(),
      communityCode: JIFU,
      name: 'Garden',
      landGrantDate: '2015-06-01',
      plannedHouseholds: 1000,
      acquisition: 'BUYBACK',
      ...over,
    },
    officer,
  );
}

export function premises(store: HousingStore, of: DevelopmentModel, over: Partial<NewPremises> = {}): Promise<PremisesModel> {
  return store.premises.plan(
    {
      developmentId: of.id,
      communityCode: of.communityCode,
      building: '1',
      floor: 1,
      unit: '101',
      plannedArea: '100.00',
      purpose: 'service centre',
      ...over,
    },
    { ...officer, id: 'developer', roles: ['DEVELOPER'], org: of.developerId },
  );
}

/** What the columns of a state must hold (the table's checks): an accepted area from ACCEPTED on, a title from HANDED_OVER on. */
function columnsOf(state: PremisesState, acceptedArea: string): PremisesChange['data'] {
  const accepted = ['ACCEPTED', 'HANDED_OVER', 'IN_USE'].includes(state);
  const titled = ['HANDED_OVER', 'IN_USE'].includes(state);
  return {
    acceptedArea: accepted ? acceptedArea : null,
    titleCertificate: titled ? 'CERT-1' : null,
    titleTransferredOn: titled ? new Date('2026-01-05T00:00:00Z') : null,
  };
}

/** Moves premises straight to a state (the store does not check the workflow: the resolvers' `decide` does). */
export function force(store: HousingStore, of: PremisesModel, state: PremisesState, acceptedArea = of.plannedArea): Promise<PremisesModel> {
  return store.premises.step(of.id, of.version, () => ({ to: state, action: 'FORCE', data: columnsOf(state, acceptedArea) }), officer);
}

/** The error code a refused store call failed with. */
export async function codeOf(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return (error as { extensions?: { code?: unknown } }).extensions?.code ?? error;
  }
  return 'no error';
}

export const page = (first: number, after?: (string | number)[]) => ({ first, after });

/**
 * A row locked FOR UPDATE by a third session (PostgreSQL only), so that racing writers all read
 * it and then queue on its lock: `waitForWaiters` returns once that many are queued.
 */
export async function holdRowLock(database: Database, table: string, id: string) {
  const client = new pg.Client({ connectionString: testDatabaseUrl(database) });
  await client.connect();
  await client.query('BEGIN');
  await client.query(`SELECT 1 FROM ${table} WHERE id = $1 FOR UPDATE`, [id]);
  return {
    async waitForWaiters(count: number) {
      for (;;) {
        // The activity view is a snapshot per transaction: this one is open, so refresh it.
        await client.query('SELECT pg_stat_clear_snapshot()');
        const { rows } = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (rows[0]!.n >= count) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async release() {
      await client.query('COMMIT');
      await client.end();
    },
  };
}
