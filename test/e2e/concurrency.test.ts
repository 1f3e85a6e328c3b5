import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import { openDatabase, type Database } from '../../lib/runtime/db';
import { migrate, PRISMA_MIGRATE_LOCK } from '../../lib/runtime/db/migrate';
import { registration, REGISTER as REGISTER_ORGANIZATION } from '../../subgraphs/organizations/test/support';
import { createTestDatabase, databaseKind, dropTestDatabase, openSecondConnection, withAdmin } from '../support/database';
import { buildTestSubgraph, startTestGraph, type GraphResponse, type TestGraph, type TestSubgraph } from '../support/graph';
import { databaseUrl } from '../support/snapshot';
import { tokenFor, viewer } from '../support/tokens';

/**
 * Optimistic concurrency, duplicates and migrations under concurrent writers (issue 12, items 2,
 * 12 and 14). The conditional writes are tested on both databases by changing the version
 * between a store's read and its write; the races themselves need transactions that really
 * overlap, which only PostgreSQL has (PGlite is one connection and runs one transaction at a
 * time), so those tests run in the postgres project (whenever TEST_DATABASE_URL is set) and are
 * skipped on PGlite, where they could not fail: their names say "(PostgreSQL: …)".
 */

const cityAdmin = viewer({ roles: ['CITY_ADMIN'], area: '510100000000', id: 'city-admin' });

/**
 * The database with a driver adapter that, once armed, runs `sql` inside the transaction just
 * before its first UPDATE of `table`: another writer's change landing between the store's read
 * and its conditional write, deterministically, on either kind of database.
 */
function interposing(database: Database, table: string): { database: Database; arm(sql: string): void; fired(): boolean } {
  let pending: string | undefined;
  let fired = false;
  const update = new RegExp(`^\\s*UPDATE\\s+"\\w+"\\."${table}"`, 'i');
  const forward = <T extends object>(target: T, intercept: Record<string, unknown>): T =>
    new Proxy(target, {
      get(object, property) {
        if (typeof property === 'string' && property in intercept) return intercept[property];
        const value = Reflect.get(object, property, object);
        return typeof value === 'function' ? value.bind(object) : value;
      },
    });
  const beforeWrite = async (tx: Transaction, query: SqlQuery) => {
    if (pending && update.test(query.sql)) {
      const sql = pending;
      pending = undefined;
      await tx.executeRaw({ sql, args: [], argTypes: [] });
      fired = true;
    }
  };
  const wrapTransaction = (tx: Transaction): Transaction =>
    forward(tx, {
      queryRaw: async (query: SqlQuery) => (await beforeWrite(tx, query), tx.queryRaw(query)),
      executeRaw: async (query: SqlQuery) => (await beforeWrite(tx, query), tx.executeRaw(query)),
    });
  const wrapAdapter = (adapter: SqlDriverAdapter): SqlDriverAdapter =>
    forward(adapter, { startTransaction: async (...args: unknown[]) => wrapTransaction(await adapter.startTransaction(...(args as []))) });
  const factory = database.adapter;
  const adapter: SqlMigrationAwareDriverAdapterFactory = forward(factory, {
    connect: async () => wrapAdapter(await factory.connect()),
  });
  return {
    database: { ...database, adapter },
    arm(sql) {
      pending = sql;
      fired = false;
    },
    fired: () => fired,
  };
}

describe('conditional writes check the version themselves, not only the read before them', () => {
  let database: Database;
  let communities: TestSubgraph;
  let organizations: TestSubgraph;
  let communityTable: ReturnType<typeof interposing>;
  let organizationTable: ReturnType<typeof interposing>;
  beforeAll(async () => {
    database = await createTestDatabase();
    communityTable = interposing(database, 'community');
    organizationTable = interposing(database, 'organization');
    communities = await buildTestSubgraph('communities', { database: communityTable.database });
    organizations = await buildTestSubgraph('organizations', { database: organizationTable.database });
  });
  afterAll(async () => {
    await communities?.close();
    await organizations?.close();
    if (database) await dropTestDatabase(database);
  });

  test('updateCommunity: a version bumped between read and write is a CONFLICT, and nothing is written', async () => {
    const REGISTER = 'mutation ($input: RegisterAreaInput!) { registerArea(input: $input) { area { code } } }';
    for (const input of [
      { code: '510100000000', name: '成都市', level: 'CITY' },
      { code: '510108000000', name: '成华区', level: 'DISTRICT', parentCode: '510100000000' },
      { code: '510108001000', name: '猛追湾街道', level: 'STREET', parentCode: '510108000000' },
      { code: '510108001001', name: '望平社区', level: 'COMMUNITY', parentCode: '510108001000', households: 900, population: 2100 },
    ]) {
      expect((await communities.execute(REGISTER, { input }, cityAdmin)).errors).toBeUndefined();
    }
    const row = () =>
      database.query<{ households: number; version: number }>(
        `SELECT households, version FROM communities.community WHERE code = '510108001001'`,
      );
    const audits = () =>
      database.query<{ n: number }>(`SELECT count(*)::int AS n FROM communities.audit_event WHERE entity_type = 'Community'`);
    expect(await row()).toEqual([{ households: 900, version: 1 }]);

    communityTable.arm(`UPDATE communities.community SET version = version + 1 WHERE code = '510108001001'`);
    const UPDATE = 'mutation ($input: UpdateCommunityInput!) { updateCommunity(input: $input) { community { households version } } }';
    const result = await communities.execute(UPDATE, { input: { code: '510108001001', expectedVersion: 1, households: 950 } }, cityAdmin);
    expect(communityTable.fired()).toBe(true);
    expect(result.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(result.errors?.[0]?.message).toMatch(/meanwhile/);
    // The interposed bump was rolled back with the refused write.
    expect(await row()).toEqual([{ households: 900, version: 1 }]);
    expect(await audits()).toEqual([{ n: 0 }]);

    // Unhindered, the same update goes through.
    const retried = await communities.execute(UPDATE, { input: { code: '510108001001', expectedVersion: 1, households: 950 } }, cityAdmin);
    expect(retried.errors).toBeUndefined();
    expect(retried.data?.updateCommunity.community).toEqual({ households: 950, version: 2 });
  });

  test('organisation changes: a version bumped between read and write is a CONFLICT, and nothing is written', async () => {
    const authority = viewer({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510104000000', id: 'civil-affairs-jinjiang' });
    const registered = await organizations.execute(
      REGISTER_ORGANIZATION,
      { input: registration({ name: '锦江区并发测试服务中心' }) },
      authority,
    );
    expect(registered.errors).toBeUndefined();
    const id = registered.data?.registerOrganization.organization.id as string;
    const row = () =>
      database.query<{ status: string; version: number }>(
        'SELECT status::text AS status, version FROM organizations.organization WHERE id = $1',
        [id],
      );
    const changes = () =>
      database.query<{ n: number }>('SELECT count(*)::int AS n FROM organizations.status_change WHERE organization_id = $1', [id]);
    expect(await row()).toEqual([{ status: 'ACTIVE', version: 1 }]);

    organizationTable.arm(`UPDATE organizations.organization SET version = version + 1 WHERE id = '${id}'`);
    const CHANGE =
      'mutation ($input: ChangeOrganizationStatusInput!) { changeOrganizationStatus(input: $input) { organization { status version } } }';
    const input = { id, to: 'ABNORMAL', reason: '未按时报送年报', expectedVersion: 1 };
    const result = await organizations.execute(CHANGE, { input }, authority);
    expect(organizationTable.fired()).toBe(true);
    expect(result.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await row()).toEqual([{ status: 'ACTIVE', version: 1 }]);
    expect(await changes()).toEqual([{ n: 1 }]);

    const retried = await organizations.execute(CHANGE, { input }, authority);
    expect(retried.errors).toBeUndefined();
    expect(retried.data?.changeOrganizationStatus.organization).toEqual({ status: 'ABNORMAL', version: 2 });
  });
});

// --- PostgreSQL only: real overlapping transactions -------------------------------------------

/** Waits until `n` backends of this database wait for a lock (the contenders are lined up). */
async function untilWaiting(observer: Database, n: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [row] = await observer.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (row!.n >= n) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Fewer than ${n} transactions ever waited for the lock.`);
}

/** Skipped, never passed vacuously, on PGlite: the reason is in each name. */
const onPostgres = databaseKind() === 'postgres' ? describe : describe.skip;

onPostgres('races (PostgreSQL: real overlapping transactions)', () => {
  let graph: TestGraph;
  let blocker: Database;
  beforeAll(async () => {
    graph = await startTestGraph({ seed: true });
    blocker = (await openSecondConnection(graph.database))!;
  });
  afterAll(async () => {
    await blocker?.close();
    await graph?.stop();
  });

  /**
   * Holds `lock` open in a transaction on another connection while `contenders` start, waits
   * until they are all blocked behind it, then lets go: every contender has read the row
   * before any of them writes (PostgreSQL: real overlapping transactions).
   */
  async function race<T = GraphResponse<Record<string, any>>>(
    lock: string,
    params: unknown[],
    contenders: (() => Promise<T>)[],
  ): Promise<T[]> {
    return blocker.withSession(async (session) => {
      await session.exec('BEGIN');
      let started: Promise<T[]> | undefined;
      try {
        await session.query(lock, params);
        started = Promise.all(contenders.map((contender) => contender()));
        await untilWaiting(blocker, contenders.length);
      } finally {
        await session.exec('ROLLBACK');
      }
      return started;
    });
  }

  test('concurrent updates of a community at one version: exactly one wins (PostgreSQL: real overlapping transactions)', async () => {
    const code = '510108002003';
    const token = await tokenFor({ roles: ['CITY_ADMIN'], area: '510100000000' });
    const read = () =>
      graph.database.query<{ version: number; households: number }>(
        'SELECT version, households FROM communities.community WHERE code = $1',
        [code],
      );
    const version = (await read())[0]!.version;
    const UPDATE = 'mutation ($input: UpdateCommunityInput!) { updateCommunity(input: $input) { community { households version } } }';
    const results: GraphResponse<Record<string, any>>[] = await race(
      'SELECT 1 FROM communities.community WHERE code = $1 FOR UPDATE',
      [code],
      [
        () => graph.request(UPDATE, { token, variables: { input: { code, expectedVersion: version, households: 301 } } }),
        () => graph.request(UPDATE, { token, variables: { input: { code, expectedVersion: version, households: 302 } } }),
        () => graph.request(UPDATE, { token, variables: { input: { code, expectedVersion: version, households: 303 } } }),
      ],
    );
    const winners = results.filter((r) => !r.body.errors);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.body.errors?.[0]?.extensions?.code === 'CONFLICT')).toHaveLength(2);
    expect(await read()).toEqual([{ version: version + 1, households: winners[0]!.body.data?.updateCommunity.community.households }]);
    const [audits] = await graph.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM communities.audit_event WHERE entity_type = 'Community' AND entity_id = $1`,
      [code],
    );
    expect(audits).toEqual({ n: 1 });
  });

  test('concurrent changes of an organisation at one version: exactly one wins (PostgreSQL: real overlapping transactions)', async () => {
    const authority = await tokenFor({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510104000000' });
    const registered = await graph.request(REGISTER_ORGANIZATION, {
      token: authority,
      variables: { input: registration({ name: '锦江区竞争测试服务中心' }) },
    });
    expect(registered.body.errors).toBeUndefined();
    const id = registered.body.data?.registerOrganization.organization.id as string;
    const CHANGE =
      'mutation ($input: ChangeOrganizationStatusInput!) { changeOrganizationStatus(input: $input) { organization { status version } } }';
    const results: GraphResponse<Record<string, any>>[] = await race(
      'SELECT 1 FROM organizations.organization WHERE id = $1 FOR UPDATE',
      [id],
      [
        () => graph.request(CHANGE, { token: authority, variables: { input: { id, to: 'ABNORMAL', reason: '甲', expectedVersion: 1 } } }),
        () => graph.request(CHANGE, { token: authority, variables: { input: { id, to: 'REVOKED', reason: '乙', expectedVersion: 1 } } }),
      ],
    );
    expect(results.filter((r) => !r.body.errors)).toHaveLength(1);
    expect(results.filter((r) => r.body.errors?.[0]?.extensions?.code === 'CONFLICT')).toHaveLength(1);
    const history = await graph.database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM organizations.status_change WHERE organization_id = $1',
      [id],
    );
    expect(history).toEqual([{ n: 2 }]);
  });

  test('concurrent registrations of one area code: one registers, the others get CONFLICT (PostgreSQL: real overlapping transactions)', async () => {
    const token = await tokenFor({ roles: ['CITY_ADMIN'], area: '510100000000' });
    const REGISTER = 'mutation ($input: RegisterAreaInput!) { registerArea(input: $input) { area { code name } } }';
    const code = '510108031000';
    const register = (name: string) => () =>
      graph.request(REGISTER, { token, variables: { input: { code, name, level: 'STREET', parentCode: '510108000000' } } });
    // The blocker inserts the same code, uncommitted: every contender's insert waits on the unique index.
    const results: GraphResponse<Record<string, any>>[] = await race(
      `INSERT INTO communities.area (code, name, level, parent_code, official_code) VALUES ($1, '占位', 'STREET', '510108000000', true)`,
      [code],
      [register('甲街道'), register('乙街道'), register('丙街道')],
    );
    const winners = results.filter((r) => !r.body.errors);
    expect(winners).toHaveLength(1);
    for (const loser of results.filter((r) => r.body.errors)) {
      expect(loser.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.code' });
    }
    const rows = await graph.database.query<{ name: string }>('SELECT name FROM communities.area WHERE code = $1', [code]);
    expect(rows).toEqual([{ name: winners[0]!.body.data?.registerArea.area.name }]);
  });

  test('concurrent registrations of one credit code: one registers, the other gets CONFLICT (PostgreSQL: real overlapping transactions)', async () => {
    const authority = await tokenFor({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510104000000' });
    const input = registration({ name: '锦江区重复信用代码测试中心' });
    const register = (name: string) => () =>
      graph.request(REGISTER_ORGANIZATION, { token: authority, variables: { input: { ...input, name } } });
    // Both pass the read-time duplicate check; the unique index decides.
    const results: GraphResponse<Record<string, any>>[] = await race(
      `INSERT INTO organizations.organization (id, name, kind, credit_code, registration_area, registration_date, status)
       VALUES ($1, '占位', 'SOCIAL_SERVICE_AGENCY', $2, '510104000000', '2020-01-01', 'ACTIVE')`,
      ['00000000-0000-4000-8000-00000000cafe', input.creditCode],
      [register('甲中心'), register('乙中心')],
    );
    expect(results.filter((r) => !r.body.errors)).toHaveLength(1);
    expect(results.find((r) => r.body.errors)?.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.creditCode' });
    const [row] = await graph.database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM organizations.organization WHERE credit_code = $1',
      [input.creditCode],
    );
    expect(row).toEqual({ n: 1 });
  });
});

onPostgres('migration runners (PostgreSQL: two connections)', () => {
  let name: string;
  const pools: Database[] = [];
  let dir: string;
  beforeAll(async () => {
    name = `crg_mig_${randomBytes(6).toString('hex')}`;
    await withAdmin((admin) => admin.query(`CREATE DATABASE ${name}`));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crg-migrate-race-'));
  });
  afterAll(async () => {
    await Promise.allSettled(pools.map((pool) => pool.close()));
    await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test(`two runners on two connections apply each migration once, serialised by the advisory lock ${PRISMA_MIGRATE_LOCK} (PostgreSQL: two connections)`, async () => {
    const names = ['20260101000100_race_a', '20260101000200_race_b'];
    names.forEach((migration, i) => {
      fs.mkdirSync(path.join(dir, migration));
      // Slow, and failing if applied twice (no IF NOT EXISTS).
      fs.writeFileSync(path.join(dir, migration, 'migration.sql'), `SELECT pg_sleep(0.3);\nCREATE TABLE race_${i} (id INTEGER);\n`);
    });
    for (let i = 0; i < 2; i++) pools.push(await openDatabase({ url: databaseUrl(process.env.TEST_DATABASE_URL!, name), poolSize: 2 }));
    const [first, second] = pools as [Database, Database];
    const results = await Promise.all([migrate(first, dir), migrate(second, dir)]);
    // One runner applied everything; the other waited for the lock and found nothing left to do.
    expect(results.map((r) => r.applied).sort((a, b) => b.length - a.length)).toEqual([names, []]);
    expect(
      await first.query(
        `SELECT migration_name, count(*)::int AS n FROM "_prisma_migrations" GROUP BY migration_name ORDER BY migration_name`,
      ),
    ).toEqual(names.map((migration_name) => ({ migration_name, n: 1 })));
  });
});
