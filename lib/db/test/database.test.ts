/**
 * The PostgreSQL pool's session settings: JIT compilation is off on every pooled connection
 * (it cost the facility search 30+ ms per statement at 100x, see database.ts), and PGOPTIONS from
 * the environment still applies on top (the index-use test relies on it). PGlite has no JIT.
 */
import { openDatabase } from '../database';
import { databaseKind } from '../../../test/support/database';

const onPostgres = databaseKind() === 'postgres' ? describe : describe.skip;

onPostgres('PostgreSQL pool settings (PostgreSQL only: PGlite has no JIT)', () => {
  const previous = process.env.PGOPTIONS;
  afterEach(() => {
    if (previous === undefined) delete process.env.PGOPTIONS;
    else process.env.PGOPTIONS = previous;
  });

  async function settings(): Promise<{ jit: string; seqscan: string }[]> {
    const db = await openDatabase({ url: process.env.TEST_DATABASE_URL, poolSize: 3 });
    try {
      // Three at once, so three pooled connections answer.
      return await Promise.all(
        [0, 1, 2].map(async () => {
          const [row] = await db.query<{ jit: string; seqscan: string }>(
            `SELECT current_setting('jit') AS jit, current_setting('enable_seqscan') AS seqscan, pg_sleep(0.05)::text`,
          );
          return { jit: row!.jit, seqscan: row!.seqscan };
        }),
      );
    } finally {
      await db.close();
    }
  }

  test('every pooled connection runs without JIT', async () => {
    delete process.env.PGOPTIONS;
    expect(await settings()).toEqual(Array(3).fill({ jit: 'off', seqscan: 'on' }));
  });

  test('PGOPTIONS still applies, and can turn JIT back on', async () => {
    process.env.PGOPTIONS = '-c enable_seqscan=off';
    expect(await settings()).toEqual(Array(3).fill({ jit: 'off', seqscan: 'off' }));
    process.env.PGOPTIONS = '-c jit=on';
    expect((await settings()).map((s) => s.jit)).toEqual(['on', 'on', 'on']);
  });
});
