// Prisma maps a database error to its own code (P2002) on PostgreSQL; through the PGlite adapter
// some arrive with PostgreSQL's SQLSTATE instead, so both are recognised.
function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** A unique-constraint violation (a duplicate). */
export function isUniqueViolation(error: unknown): boolean {
  return ['P2002', '23505'].includes(errorCode(error) as string);
}

/** A foreign-key violation (a reference to a row that is not there). */
export function isForeignKeyViolation(error: unknown): boolean {
  return ['P2003', '23503'].includes(errorCode(error) as string);
}

/** The single and paired characters a name is indexed by (mirrors the SQL name_grams function). */
export function searchGrams(text: string): string[] {
  const chars = Array.from(text.trim().toLowerCase());
  if (chars.length === 0) return [];
  if (chars.length === 1) return chars;
  const grams = new Set<string>();
  for (let i = 0; i < chars.length - 1; i++) grams.add(chars[i]! + chars[i + 1]!);
  return [...grams];
}

/**
 * LIKE's wildcards taken literally (backslash is LIKE's default escape): a search for "50%"
 * finds the names that contain "50%". Prisma's `contains` passes its value to LIKE unescaped.
 */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Every error in a chain: Prisma wraps the driver adapter's error, which wraps the driver's. */
function chain(error: unknown): Record<string, unknown>[] {
  const seen: Record<string, unknown>[] = [];
  const queue = [error];
  while (queue.length > 0 && seen.length < 10) {
    const next = queue.shift();
    if (!next || typeof next !== 'object' || seen.includes(next as Record<string, unknown>)) continue;
    const item = next as Record<string, unknown>;
    seen.push(item);
    const meta = item.meta as Record<string, unknown> | undefined;
    queue.push(
      item.cause,
      item.originalError,
      meta?.driverAdapterError,
      (meta?.driverAdapterError as Record<string, unknown> | undefined)?.cause,
    );
  }
  return seen;
}

function codesIn(error: unknown): string[] {
  return chain(error).flatMap((e) => [e.code, e.originalCode, e.sqlState, e.kind].filter((c): c is string => typeof c === 'string'));
}

/**
 * Every form a lost or refused database connection takes on its way up: the socket's errno,
 * Prisma's codes (P1001 unreachable, P1017 closed, P2024 no pool connection in time), the
 * driver adapter's kinds, and SQLSTATE classes 08 (connection exception) and 57 (operator
 * intervention: 57P01 terminated by an administrator, 57P02 crash, 57P03 not accepting yet,
 * 57014 cancelled by a statement timeout).
 */
const UNREACHABLE_CODES = new Set([
  'P1001',
  'P1002',
  'P1008',
  'P1017',
  'P2024',
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TlsConnectionError',
  'TooManyConnections',
  '53300',
]);
/**
 * The forms that carry no code at all: node-postgres's client after its socket failed ("Client
 * has encountered a connection error and is not queryable"), its "Connection terminated
 * unexpectedly", its pool's wait bound ("timeout exceeded when trying to connect"), and
 * PostgreSQL's own texts when they arrive without their SQLSTATE.
 */
const UNREACHABLE_MESSAGES =
  /Connection terminated|connection error and is not queryable|Client was closed and is not queryable|timeout exceeded when trying to connect|connection (?:refused|reset|closed)|server closed the connection|Can't reach database server|the database system is (?:starting up|shutting down|in recovery mode)|terminating connection|PGlite is closed/i;

/**
 * The database is gone for now (refused, reset, shutting down, restarting): the client gets
 * SERVICE_UNAVAILABLE and may retry (with the same Idempotency-Key, so a write whose COMMIT
 * was lost is answered, not done twice), rather than an internal error.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (codesIn(error).some((code) => UNREACHABLE_CODES.has(code) || /^(08|57)[0-9A-Z]{3}$/.test(code))) return true;
  return chain(error).some((e) => typeof e.message === 'string' && UNREACHABLE_MESSAGES.test(e.message));
}

/**
 * SQLSTATEs and Prisma codes that mean "someone else got there first" or "could not get the
 * lock": an exclusion violation (23P01), a lock wait past lock_timeout (55P03), a deadlock or
 * serialization failure (40P01, 40001; Prisma's P2034), a transaction that could not start in
 * time (P2028).
 */
const CONFLICT_CODES = new Set(['23P01', '55P03', '40P01', '40001', 'P2034', 'P2028', 'TransactionWriteConflict']);

/** Racing writers: the caller reloads and retries (CONFLICT), never an internal error. */
export function isConcurrencyConflict(error: unknown): boolean {
  if (codesIn(error).some((code) => CONFLICT_CODES.has(code))) return true;
  // Some adapters report the constraint only by name in the message.
  return chain(error).some(
    (e) =>
      typeof e.message === 'string' &&
      /_no_overlap|lock timeout|could not obtain lock|Transaction already closed|Unable to start a transaction/i.test(e.message),
  );
}

/**
 * A value the database refused as data (SQLSTATE class 22: out of range, too long, invalid
 * text): input a rule should have caught, so it is the caller's mistake, not an internal error.
 */
export function isDataException(error: unknown): boolean {
  return codesIn(error).some(
    (code) => /^22[0-9A-Z]{3}$/.test(code) || code === 'P2000' || code === 'P2006' || code === 'P2020' || code === 'P2033',
  );
}
