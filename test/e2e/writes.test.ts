import { randomUUID } from 'node:crypto';
import type { Database } from '../../lib/runtime/db';
import { databaseKind, openSecondConnection } from '../support/database';
import { startTestGraph, type TestGraph } from '../support/graph';
import { at, BOOK, codeOf, listedFacility, newUnit, nextWeekday, resident } from '../../subgraphs/facilities/test/support';

/**
 * A write the caller was told failed does not exist, and a retry never writes twice: through
 * the gateway, a mutation with an Idempotency-Key is done once (a retry, also a concurrent one,
 * gets the first answer), a deadline that passes while the write waits for a lock rolls it back,
 * and on PostgreSQL connections terminated under a write load answer SERVICE_UNAVAILABLE (never
 * an internal error) with a retry that returns what had committed.
 */

const onPostgres = databaseKind() === 'postgres';

let graph: TestGraph;
beforeAll(async () => {
  // Concurrency on a loaded 2-core machine: no request here should meet the default deadline.
  graph = await startTestGraph({ config: { SUBGRAPH_TIMEOUT_MS: '60000' } });
});
afterAll(async () => {
  await graph?.stop();
});

async function bookingsOf(database: Database, facilityId: string): Promise<{ id: string; booker: string }[]> {
  return database.query<{ id: string; booker: string }>(
    'SELECT id::text, booker FROM facilities.booking WHERE facility_id = $1::uuid ORDER BY booker',
    [facilityId],
  );
}

async function facility(
  capacity: number,
): Promise<{ facilityId: string; input: { facilityId: string; startsAt: string; endsAt: string } }> {
  const facilityId = await listedFacility(graph, await newUnit(), { capacity, kind: capacity === 1 ? 'MEETING_ROOM' : 'PARKING' });
  const day = nextWeekday(4);
  return { facilityId, input: { facilityId, startsAt: at(day, '10:00'), endsAt: at(day, '11:00') } };
}

test('a retry with the same Idempotency-Key gets the first answer and writes once; the key with another request is refused', async () => {
  const { facilityId, input } = await facility(5);
  const booker = await resident();
  const headers = { 'idempotency-key': randomUUID() };
  const first = await graph.request(BOOK, { token: booker, variables: { input }, headers });
  expect(first.body.errors).toBeUndefined();
  const again = await graph.request(BOOK, { token: booker, variables: { input }, headers });
  expect(again.body).toEqual(first.body);
  expect(await bookingsOf(graph.database, facilityId)).toEqual([
    { id: first.body.data!.bookFacility.booking.id, booker: expect.any(String) },
  ]);

  const other = await graph.request(BOOK, { token: booker, variables: { input: { ...input, quantity: 2 } }, headers });
  expect(codeOf(other.body)).toBe('IDEMPOTENCY_KEY_REUSED');
  expect(await bookingsOf(graph.database, facilityId)).toHaveLength(1);

  // The key is the caller's own: another resident with the same key books for themselves.
  const neighbour = await graph.request(BOOK, { token: await resident(), variables: { input }, headers });
  expect(neighbour.body.errors).toBeUndefined();
  expect(neighbour.body.data!.bookFacility.booking.id).not.toBe(first.body.data!.bookFacility.booking.id);
  expect(await bookingsOf(graph.database, facilityId)).toHaveLength(2);
});

test('the same key sent ten times at once writes once, and every answer is the first', async () => {
  const { facilityId, input } = await facility(5);
  const booker = await resident();
  const headers = { 'idempotency-key': randomUUID() };
  const answers = await Promise.all(
    Array.from({ length: 10 }, () => graph.request(BOOK, { token: booker, variables: { input }, headers })),
  );
  const rows = await bookingsOf(graph.database, facilityId);
  expect(rows).toHaveLength(1);
  for (const answer of answers) {
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data!.bookFacility.booking.id).toBe(rows[0]!.id);
  }
});

test('a malformed Idempotency-Key is refused before anything is written', async () => {
  const { facilityId, input } = await facility(5);
  const answer = await graph.request(BOOK, {
    token: await resident(),
    variables: { input },
    headers: { 'idempotency-key': 'x'.repeat(201) },
  });
  expect(codeOf(answer.body)).toBe('BAD_USER_INPUT');
  expect(await bookingsOf(graph.database, facilityId)).toHaveLength(0);
});

(onPostgres ? describe : describe.skip)('PostgreSQL', () => {
  test('a deadline that passes while the booking waits for the slot lock rolls it back: the failure answer leaves nothing behind', async () => {
    // Short deadlines, and a lock timeout longer than them: only the deadline can end the wait.
    const short = await startTestGraph({ config: { SUBGRAPH_TIMEOUT_MS: '1500', FACILITIES_LOCK_TIMEOUT_MS: '60000' } });
    const holder = (await openSecondConnection(short.database))!;
    try {
      const facilityId = await listedFacility(short, await newUnit(), { capacity: 5, kind: 'PARKING' });
      const day = nextWeekday(4);
      const input = { facilityId, startsAt: at(day, '10:00'), endsAt: at(day, '11:00') };
      const answer = await holder.withSession(async (session) => {
        await session.exec('BEGIN');
        await session.query('SELECT id FROM facilities.facility WHERE id = $1::uuid FOR UPDATE', [facilityId]);
        try {
          return await short.request(BOOK, { token: await resident(), variables: { input }, headers: { 'idempotency-key': randomUUID() } });
        } finally {
          await session.exec('ROLLBACK');
        }
      });
      expect(codeOf(answer.body)).toBe('SERVICE_UNAVAILABLE');
      // Time for an abandoned write to go on after the lock was released, as it did before deadlines reached the database.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(await bookingsOf(short.database, facilityId)).toEqual([]);
      const waiting = await holder.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%FOR UPDATE%' AND state = 'active' AND pid <> pg_backend_pid()",
      );
      expect(waiting).toEqual([{ n: 0 }]);
    } finally {
      await holder.close();
      await short.stop();
    }
  });

  test('connections terminated under a write load: every answer is the booking or SERVICE_UNAVAILABLE, and a retry with the key returns what committed', async () => {
    const { facilityId, input } = await facility(1000);
    const killer = (await openSecondConnection(graph.database))!;
    try {
      const callers = await Promise.all(Array.from({ length: 60 }, async () => ({ token: await resident(), key: randomUUID() })));
      const book = (caller: { token: string; key: string }) =>
        graph.request(BOOK, { token: caller.token, variables: { input }, headers: { 'idempotency-key': caller.key } });
      let stop = false;
      const terminations = (async () => {
        while (!stop) {
          await killer.query(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = $1',
            ['client backend'],
          );
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      })();
      const first = await Promise.all(callers.map(book));
      stop = true;
      await terminations;

      const codes = first.map((answer) => (answer.body.errors ? codeOf(answer.body) : 'OK'));
      expect(codes.filter((code) => code !== 'OK' && code !== 'SERVICE_UNAVAILABLE')).toEqual([]);
      // The load met the terminations (else this test proves nothing).
      expect(codes).toContain('SERVICE_UNAVAILABLE');

      // Every caller retries with its key until answered (the pool reconnects), backing off as a
      // client would: the retries of sixty callers at once queue for one facility's row lock.
      const final = await Promise.all(
        callers.map(async (caller, i) => {
          let answer = first[i]!;
          for (let attempt = 0; answer.body.errors && attempt < 20; attempt++) {
            await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
            answer = await book(caller);
          }
          return answer;
        }),
      );
      const rows = await bookingsOf(graph.database, facilityId);
      expect(rows).toHaveLength(callers.length);
      const ids = new Set(rows.map((row) => row.id));
      for (const answer of final) {
        expect(answer.body.errors).toBeUndefined();
        expect(ids.has(answer.body.data!.bookFacility.booking.id)).toBe(true);
      }
      // A booking the first answer reported stands, and no caller's retry wrote a second one.
      first.forEach((answer, i) => {
        if (!answer.body.errors) expect(final[i]!.body.data!.bookFacility.booking.id).toBe(answer.body.data!.bookFacility.booking.id);
      });
    } finally {
      await killer.close();
    }
  });
});
