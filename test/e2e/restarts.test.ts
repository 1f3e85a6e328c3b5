import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { migrate, openDatabase } from '../../lib/runtime/db';
import { migrationTimelines } from '../../scripts/subgraph-code';
import { databaseKind } from '../support/database';
import { startTestGraph, type GraphResponse, type TestGraph } from '../support/graph';
import { databaseUrl, POSTGRES_TEMPLATE_ENV } from '../support/snapshot';
import { at, BOOK, codeOf, listedFacility, newUnit, nextWeekday, resident } from '../../subgraphs/facilities/test/support';

/**
 * Issue 19, "Outages and rollouts tell the truth": PostgreSQL itself restarted (`pg_ctl restart`,
 * fast and immediate) while residents book through the gateway. Every answer is the booking or
 * SERVICE_UNAVAILABLE (never an internal error: every lost-connection form is classified); a
 * retry with the same Idempotency-Key returns what committed, so no booking is lost and none is
 * written twice, also when the connection died during COMMIT.
 *
 * The test runs its own cluster, as only a server it owns may be restarted: the binaries are
 * TEST_POSTGRES_BIN (CI sets it) or the newest under /usr/lib/postgresql; as root, the server
 * runs as the `postgres` user, which PostgreSQL requires.
 */

const run = promisify(execFile);
const onPostgres = databaseKind() === 'postgres';

interface Cluster {
  url: string;
  restart(mode: 'fast' | 'immediate'): Promise<void>;
  stop(): Promise<void>;
}

function serverBinaries(): string {
  const configured = process.env.TEST_POSTGRES_BIN;
  if (configured) return configured;
  const installed = fs.existsSync('/usr/lib/postgresql')
    ? fs
        .readdirSync('/usr/lib/postgresql')
        .map((version) => path.join('/usr/lib/postgresql', version, 'bin'))
        .filter((bin) => fs.existsSync(path.join(bin, 'pg_ctl')))
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    : [];
  const newest = installed.at(-1);
  if (!newest) throw new Error('Restarting PostgreSQL needs its server binaries: set TEST_POSTGRES_BIN to the folder holding pg_ctl.');
  return newest;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startCluster(): Promise<Cluster> {
  const bin = serverBinaries();
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crg-restarts-'));
  if (asRoot) await run('chown', ['postgres', dir]);
  const data = path.join(dir, 'data');
  const port = await freePort();
  // cwd / so the postgres user never meets an unreadable working directory.
  const server = (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], { cwd: '/' })
      : run(path.join(bin, tool), args, { cwd: '/' });
  await server('initdb', ['-D', data, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100`;
  const ctl = (...args: string[]) =>
    server('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', '-o', options, ...args]);
  await ctl('start');
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    restart: async (mode) => void (await ctl('-m', mode, 'restart')),
    async stop() {
      await ctl('-m', 'immediate', 'stop').catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A migrated template on the cluster, so startTestGraph's databases are copied from it there. */
async function migratedTemplate(adminUrl: string): Promise<string> {
  const name = 'crg_restart_template';
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const database = await openDatabase({ url: databaseUrl(adminUrl, name), poolSize: 1 });
  await migrate(database, migrationTimelines());
  await database.close();
  return name;
}

interface Booked {
  bookFacility: { booking: { id: string } };
}
type Answer = GraphResponse<Booked>;

(onPostgres ? describe : describe.skip)('PostgreSQL restarted under a write load (PostgreSQL: a server restart)', () => {
  let cluster: Cluster;
  let graph: TestGraph;
  const previous = { url: process.env.TEST_DATABASE_URL, template: process.env[POSTGRES_TEMPLATE_ENV] };

  beforeAll(async () => {
    cluster = await startCluster();
    process.env.TEST_DATABASE_URL = cluster.url;
    process.env[POSTGRES_TEMPLATE_ENV] = await migratedTemplate(cluster.url);
    // Each worker books its own facility, and a transaction may wait long for its start: no
    // refusal here can come from contention, only from how the restart is answered.
    graph = await startTestGraph({
      config: { REQUEST_TIMEOUT_MS: '120000', SUBGRAPH_TIMEOUT_MS: '60000', FACILITIES_TRANSACTION_WAIT_MS: '60000' },
    });
  });
  afterAll(async () => {
    await graph?.stop();
    await cluster?.stop();
    process.env.TEST_DATABASE_URL = previous.url;
    process.env[POSTGRES_TEMPLATE_ENV] = previous.template;
  });

  test.each(['fast', 'immediate'] as const)(
    '`pg_ctl restart -m %s`: every answer is the booking or SERVICE_UNAVAILABLE, and retries with the key leave each resident exactly the booking they were told of',
    async (mode) => {
      const WORKERS = 12;
      const unit = await newUnit();
      const day = nextWeekday(4);
      const inputs: { facilityId: string; startsAt: string; endsAt: string }[] = [];
      for (let w = 0; w < WORKERS; w++) {
        const facilityId = await listedFacility(graph, unit, { capacity: 1000, kind: 'PARKING' });
        inputs.push({ facilityId, startsAt: at(day, '10:00'), endsAt: at(day, '11:00') });
      }
      const callers = await Promise.all(Array.from({ length: 120 }, async () => ({ token: await resident(), key: randomUUID() })));
      const answers: Answer[][] = callers.map(() => []);
      let booked = 0;
      let restart: Promise<void> | undefined;
      let restartedAt = Infinity;
      const answeredAfterRestart: number[] = [];

      // Twelve residents at a time, each worker on its facility; each resident retries with its
      // key until booked (at most 40 tries). A request the gateway did not answer at all (the
      // connection reset) is retried like an unavailable one: the caller cannot know either way.
      let next = 0;
      let unanswered = 0;
      const worker = async (w: number) => {
        for (let i = next++; i < callers.length; i = next++) {
          const caller = callers[i]!;
          for (let attempt = 0; attempt < 40; attempt++) {
            const answer = await graph
              .request<Booked>(BOOK, { token: caller.token, variables: { input: inputs[w] }, headers: { 'idempotency-key': caller.key } })
              .catch(() => undefined);
            if (answer) answers[i]!.push(answer);
            else unanswered++;
            if (answer && !answer.body.errors) break;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          if (answers[i]!.length > 0 && !answers[i]!.at(-1)!.body.errors) {
            if (Date.now() > restartedAt) answeredAfterRestart.push(i);
            // The server goes down once a quarter of the residents are booked: the rest meet it.
            if (++booked === 30) restart = cluster.restart(mode).then(() => void (restartedAt = Date.now()));
          }
        }
      };
      await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
      await restart;

      const codes = answers.flat().map((answer) => (answer.body.errors ? codeOf(answer.body) : 'OK'));
      const unexpected = answers
        .flat()
        .filter((answer) => answer.body.errors && codeOf(answer.body) !== 'SERVICE_UNAVAILABLE')
        .map((answer) => answer.body.errors);
      expect(unexpected).toEqual([]);
      // The load met the restart, and the graph recovered from it (else this proves nothing).
      expect(codes).toContain('SERVICE_UNAVAILABLE');
      expect(answeredAfterRestart.length).toBeGreaterThan(0);

      const rows = await graph.database.query<{ id: string; booker: string }>(
        'SELECT id::text, booker FROM facilities.booking WHERE facility_id = ANY($1::uuid[])',
        [inputs.map((input) => input.facilityId)],
      );
      // Resets are rare: most attempts were answered by the graph.
      expect(unanswered).toBeLessThan(answers.flat().length);
      // One booking per resident: none lost, none written twice.
      expect(rows).toHaveLength(callers.length);
      const ids = new Set(rows.map((row) => row.id));
      answers.forEach((tries) => {
        const told = tries.filter((answer) => !answer.body.errors).map((answer) => answer.body.data!.bookFacility.booking.id);
        // Every resident was told of their booking in the end, and it is there.
        expect(told).toHaveLength(1);
        expect(ids.has(told[0]!)).toBe(true);
      });
    },
  );
});
