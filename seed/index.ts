import type { Database, Session } from '../lib/runtime/db';

export interface Seedable {
  name: string;
  seed?: (session: Session) => Promise<void>;
}

/** Seeds the demo city, every subgraph's part in one transaction; safe to run on every start. */
export async function seedDemoData(database: Database, list: readonly Seedable[]): Promise<void> {
  await database.withSession(async (session) => {
    await session.exec('BEGIN');
    try {
      for (const subgraph of list) await subgraph.seed?.(session);
      await session.exec('COMMIT');
    } catch (error) {
      await session.exec('ROLLBACK');
      throw error;
    }
  });
}
