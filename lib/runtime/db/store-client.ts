import type { Database, OnQuery } from './database';
import { scopedClient } from './scope';

/** What a subgraph's generated PrismaClient constructor takes that the kit sets. */
interface ClientOptions {
  adapter: Database['adapter'];
  log: { emit: 'event'; level: 'query' }[];
}

/** The generated client's query-event hook, as the kit uses it. */
interface QueryEvents {
  $on(event: never, listener: (event: { query: string; params: string }) => void): void;
}

/**
 * A subgraph store's Prisma client: on the process's database (its driver adapter), every
 * interactive transaction bounded by the request's deadline and guarded by its idempotency key
 * in `schema` (scope.ts), and every statement reported to `onQuery` when given (tests count and
 * explain them).
 */
export function openStoreClient<C extends QueryEvents & { $transaction(...args: never[]): unknown }>(
  PrismaClient: new (options: ClientOptions) => C,
  database: Database,
  schema: string,
  onQuery?: OnQuery,
): C {
  const client = scopedClient(
    new PrismaClient({ adapter: database.adapter, log: onQuery ? [{ emit: 'event', level: 'query' }] : [] }),
    schema,
  );
  if (onQuery) client.$on('query' as never, (event) => onQuery(event.query, event.params));
  return client;
}
