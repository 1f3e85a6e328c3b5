import { badInput } from '../kernel/errors';

/** Relay connection arguments as every list field takes them. */
export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface Page<K> {
  /** Rows to return. */
  first: number;
  /** The sort key of the last row already seen, decoded from `after`. */
  after: K | undefined;
}

export interface Connection<T> {
  edges: { node: T; cursor: string }[];
  pageInfo: { hasPreviousPage: boolean; hasNextPage: boolean; startCursor: string | null; endCursor: string | null };
  /** Called by GraphQL only when the client asks for it (functions on a source are resolved). */
  totalCount: () => Promise<number>;
}

/** Cursors are opaque: the row's sort key, versioned and base64url-encoded. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(['c1', ...key]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, field = 'after'): (string | number)[] {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded[0] === 'c1' && decoded.slice(1).every((k) => typeof k === 'string' || typeof k === 'number')) {
      return decoded.slice(1) as (string | number)[];
    }
  } catch {
    // fall through: any undecodable cursor is the caller's mistake
  }
  throw badInput(field, 'This cursor was not issued by this list.');
}

/** The kinds of value a list's sort key is made of; a cursor must match them exactly. */
export type CursorKey = 'text' | 'uuid' | 'areaCode' | 'int' | 'timestamp';

const KEY_CHECKS: Record<CursorKey, (value: string | number) => boolean> = {
  text: (v) => typeof v === 'string' && v.length <= 1000 && !v.includes('\u0000'),
  uuid: (v) => typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  areaCode: (v) => typeof v === 'string' && /^\d{12}$/.test(v),
  int: (v) => typeof v === 'number' && Number.isSafeInteger(v),
  timestamp: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
};

/**
 * Validates `first`/`after` for a list sorted by `keys`: `after` decodes to that tuple, or is
 * refused as BAD_USER_INPUT on `after` (a cursor from another list, or forged, never reaches
 * SQL).
 */
export function readPage(args: ConnectionArgs, keys: readonly CursorKey[], argumentPath = ''): Page<(string | number)[]> {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(`${argumentPath}first`, `first must be between 0 and ${MAX_PAGE_SIZE}.`);
  }
  if (!args.after) return { first, after: undefined };
  const after = decodeCursor(args.after, `${argumentPath}after`);
  if (after.length !== keys.length || !keys.every((kind, i) => KEY_CHECKS[kind](after[i]!))) {
    throw badInput(`${argumentPath}after`, 'This cursor was not issued by this list.');
  }
  return { first, after };
}

/**
 * Builds a connection from rows fetched with `take: first + 1` after the cursor's key, so
 * hasNextPage needs no extra query. Pagination is forward only, so hasPreviousPage is what the
 * Relay spec allows a forward page to say cheaply: true when the page starts after a cursor
 * (the edges up to it were earlier pages), false on the first page. startCursor and endCursor
 * are the first and last edges' cursors, null on an empty page.
 */
export function toConnection<T>(
  rows: T[],
  page: Page<unknown>,
  keyOf: (row: T) => readonly (string | number)[],
  totalCount: () => Promise<number>,
): Connection<T> {
  const nodes = rows.slice(0, page.first);
  const edges = nodes.map((node) => ({ node, cursor: encodeCursor(keyOf(node)) }));
  return {
    edges,
    pageInfo: {
      hasPreviousPage: page.after !== undefined,
      hasNextPage: rows.length > page.first,
      startCursor: edges.at(0)?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}
