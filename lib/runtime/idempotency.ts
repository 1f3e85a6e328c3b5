import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { getOperationAST, GraphQLError, OperationTypeNode, parse } from 'graphql';

/**
 * Idempotency keys: a mutation sent with an `Idempotency-Key` header is done once per caller and
 * key; a retry with the same key gets the first answer instead of writing again. Each subgraph
 * keeps the keys in its own `idempotency_key` table, and the record is written inside the very
 * transaction it guards (lib/runtime/db/scope.ts), so it commits or rolls back with the write: after an
 * unknown outcome (the connection died during COMMIT) a retry finds the committed answer, and
 * after a failure it finds nothing and writes.
 *
 * What is recorded is each transaction's result (the store's answer), in the order the request
 * opened them: a retry runs the same resolvers, and each transaction returns its recorded result
 * instead of running. A retry that arrives while the first attempt is still running waits for
 * it (the first holds the key's row lock until it commits) within its own deadline, then
 * answers as above; past the deadline it is told SERVICE_UNAVAILABLE and may retry again.
 */

/** What a request claims: the key, whose it is, and what the request was. */
export interface IdempotencyClaim {
  /** The token's subject, or `anonymous@<address>` for a caller without one. */
  caller: string;
  key: string;
  /** sha256 of the request body: the same key with another body is refused. */
  requestHash: string;
  ttlSeconds: number;
}

/** The longest key accepted: a UUID or a ULID fits many times over. */
const MAX_KEY_LENGTH = 200;

/** The first write of a retried request found recorded under its key, or nothing. */
type Recorded = { requestHash: string; result: unknown } | undefined;

/** The part of a Prisma transaction client the record needs. */
export interface RawTransaction {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

/**
 * The claim a request makes, or none: only a mutation with an `Idempotency-Key` header claims
 * (queries write nothing, and the gateway's entity fetches after a mutation carry the header
 * too). A malformed key is refused before anything runs.
 */
export function idempotencyClaim(
  request: { headers: IncomingHttpHeaders; body: unknown; caller: string },
  ttlSeconds: number,
): IdempotencyClaim | undefined {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? undefined : header.trim();
  if (!key || key.length > MAX_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
    throw new GraphQLError(`Send one Idempotency-Key header of 1 to ${MAX_KEY_LENGTH} visible ASCII characters.`, {
      extensions: { code: 'BAD_USER_INPUT', field: 'Idempotency-Key', http: { status: 400 } },
    });
  }
  if (!isMutation(request.body)) return undefined;
  return {
    caller: request.caller,
    key,
    requestHash: createHash('sha256')
      .update(JSON.stringify(request.body ?? null))
      .digest('hex'),
    ttlSeconds,
  };
}

function isMutation(body: unknown): boolean {
  const { query, operationName } = (body ?? {}) as { query?: unknown; operationName?: unknown };
  if (typeof query !== 'string') return false;
  try {
    return (
      getOperationAST(parse(query), typeof operationName === 'string' ? operationName : undefined)?.operation === OperationTypeNode.MUTATION
    );
  } catch {
    // A document that does not parse is refused by Apollo a moment later; it claims nothing.
    return false;
  }
}

/**
 * Runs `work` once per (caller, key, n) inside the caller's transaction `tx`: the n-th
 * transaction of the request. A live record with the same request answers with its result
 * instead; one with another request is refused (IDEMPOTENCY_KEY_REUSED). An expired record is
 * taken over as if absent.
 */
export async function once<T>(tx: RawTransaction, schema: string, claim: IdempotencyClaim, n: number, work: () => Promise<T>): Promise<T> {
  const table = `"${schema}"."idempotency_key"`;
  // The caller's expired keys go first: the table holds at most a TTL's worth of each caller's keys.
  await tx.$queryRawUnsafe(`DELETE FROM ${table} WHERE caller = $1 AND expires_at < now()`, claim.caller);
  // Waits while another transaction holds an uncommitted record of the same key, then either
  // inserts (the other rolled back, or there was none) or finds the committed record.
  const mine = await tx.$queryRawUnsafe<unknown[]>(
    `INSERT INTO ${table} (caller, key, seq, request_hash, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
     ON CONFLICT (caller, key, seq) DO UPDATE
        SET request_hash = EXCLUDED.request_hash, result = NULL, expires_at = EXCLUDED.expires_at, created_at = now()
      WHERE ${table}.expires_at < now()
     RETURNING 1`,
    claim.caller,
    claim.key,
    n,
    claim.requestHash,
    claim.ttlSeconds,
  );
  if (mine.length === 0) {
    const [recorded] = await tx.$queryRawUnsafe<{ request_hash: string; result: string | null }[]>(
      `SELECT request_hash, result::text AS result FROM ${table} WHERE caller = $1 AND key = $2 AND seq = $3`,
      claim.caller,
      claim.key,
      n,
    );
    return replay<T>(
      recorded && { requestHash: recorded.request_hash, result: recorded.result === null ? null : revive(recorded.result) },
      claim,
    );
  }
  const result = await work();
  await tx.$queryRawUnsafe(
    `UPDATE ${table} SET result = $4::jsonb WHERE caller = $1 AND key = $2 AND seq = $3`,
    claim.caller,
    claim.key,
    n,
    preserve(result),
  );
  return result;
}

function replay<T>(recorded: Recorded, claim: IdempotencyClaim): T {
  if (recorded && recorded.requestHash !== claim.requestHash) {
    throw new GraphQLError(`Idempotency-Key ${claim.key} was already used for a different request; send a new key for a new request.`, {
      extensions: { code: 'IDEMPOTENCY_KEY_REUSED', field: 'Idempotency-Key' },
    });
  }
  return recorded?.result as T;
}

/** JSON with its Dates kept as Dates (store results carry timestamps). */
function preserve(value: unknown): string {
  return (
    JSON.stringify(value === undefined ? null : value, function (this: Record<string, unknown>, key, json: unknown) {
      const raw = this[key];
      return raw instanceof Date ? { $date: raw.toISOString() } : json;
    }) ?? 'null'
  );
}

function revive(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (!value || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length !== 1) return value;
    const { $date } = value as { $date?: unknown };
    return typeof $date === 'string' ? new Date($date) : value;
  }) as unknown;
}
