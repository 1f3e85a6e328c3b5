import { AsyncLocalStorage } from 'node:async_hooks';
import { GraphQLError } from 'graphql';
import { once, type IdempotencyClaim, type RawTransaction } from '../idempotency';

/**
 * A request's database work: when it must be over, and the idempotency key it claims. The HTTP
 * layer runs each GraphQL request inside one (lib/runtime/subgraph-server.ts); every transaction a store opens
 * through `scopedClient` reads it, so no store passes it along.
 */
export interface WorkScope {
  /** Epoch ms: past this, the caller has been told the request failed, so nothing may commit. */
  readonly deadline: number;
  readonly idempotency?: IdempotencyClaim;
  /** Transactions this request has opened so far (a retry replays them in the same order). */
  transactions: number;
}

const scopes = new AsyncLocalStorage<WorkScope>();

/** Runs `work` (a request's execution) inside `scope`. */
export function runInScope<T>(scope: Omit<WorkScope, 'transactions'>, work: () => Promise<T>): Promise<T> {
  return scopes.run({ ...scope, transactions: 0 }, work);
}

/** Milliseconds left before the current request's deadline; Infinity outside a request (migrations, seeds, tests). */
export function remainingMs(): number {
  const scope = scopes.getStore();
  return scope ? scope.deadline - Date.now() : Infinity;
}

/** The request's deadline passed before its write could finish: it was rolled back. */
export function deadlinePassed(): GraphQLError {
  return new GraphQLError(
    'The request ran out of time before its change could be saved; nothing was written. Try again (with the same Idempotency-Key).',
    {
      extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'DEADLINE' },
    },
  );
}

/** Prisma's defaults for an interactive transaction, used when a store passes none. */
const PRISMA_MAX_WAIT_MS = 2_000;
const PRISMA_TIMEOUT_MS = 5_000;

interface TransactionOptions {
  maxWait?: number;
  timeout?: number;
  isolationLevel?: unknown;
}

/** What the wrapper needs of a Prisma client: its interactive `$transaction`. */
interface TransactionalClient {
  $transaction(...args: never[]): unknown;
}

/**
 * The store's Prisma client with every interactive transaction bounded by the request's deadline
 * and guarded by its idempotency key, in `schema`'s `idempotency_key` table:
 *
 * - the transaction may wait for its start (a pool connection, PGlite's turn) and run only until
 *   the deadline (Prisma's maxWait and timeout), and PostgreSQL itself stops waiting then:
 *   `statement_timeout`, `lock_timeout` and `idle_in_transaction_session_timeout` are set for
 *   the transaction from the time left, so a statement stuck behind a lock is cancelled by the
 *   server rather than committing after the caller gave up. PGlite accepts the settings and,
 *   running one transaction at a time with no lock waits, never needs them; Prisma's timeout
 *   still bounds it;
 * - when the deadline passes, whatever the database said, the answer is SERVICE_UNAVAILABLE
 *   "nothing was written" (the transaction rolled back);
 * - with an idempotency key, the transaction records its result under (caller, key, n) before it
 *   commits, or returns the recorded result instead of running (lib/runtime/idempotency.ts).
 *
 * Outside a request (migrations, seeds, tests calling a store directly) transactions run as
 * Prisma's own.
 */
export function scopedClient<C extends TransactionalClient>(client: C, schema: string): C {
  const original = client.$transaction.bind(client) as unknown as (first: unknown, options?: TransactionOptions) => Promise<unknown>;
  async function transaction(first: unknown, options?: TransactionOptions): Promise<unknown> {
    const scope = scopes.getStore();
    // The batch form (an array of queries) is not used by the stores; it runs as Prisma's.
    if (!scope || typeof first !== 'function') return original(first, options);
    const work = first as (tx: RawTransaction) => Promise<unknown>;
    const left = scope.deadline - Date.now();
    if (left <= 0) throw deadlinePassed();
    const n = ++scope.transactions;
    const bounded = {
      ...options,
      maxWait: Math.min(options?.maxWait ?? PRISMA_MAX_WAIT_MS, left),
      timeout: Math.min(options?.timeout ?? PRISMA_TIMEOUT_MS, left),
    };
    try {
      return await original(async (tx: RawTransaction) => {
        const ms = String(Math.max(1, Math.floor(scope.deadline - Date.now())));
        await tx.$queryRawUnsafe(
          `SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $1, true), set_config('idle_in_transaction_session_timeout', $1, true)`,
          ms,
        );
        return scope.idempotency ? once(tx, schema, scope.idempotency, n, () => work(tx)) : work(tx);
      }, bounded);
    } catch (error) {
      // A refusal the store decided (a rule, a conflict) stands; anything the database or Prisma
      // said after the deadline is the deadline.
      if (Date.now() >= scope.deadline && !(error instanceof GraphQLError)) throw deadlinePassed();
      throw error;
    }
  }
  return new Proxy(client, {
    get(target, property, receiver) {
      return property === '$transaction' ? transaction : Reflect.get(target, property, receiver);
    },
  });
}
