import type { TokenClaims } from '../../lib/kernel/auth';

/** One GraphQL request: query, variables and the token to send. */
export interface BenchRequest {
  query: string;
  variables?: Record<string, unknown>;
  token?: string;
}

/**
 * The second half of a query that spans two subgraphs, as the gateway's plan runs it: an
 * `_entities` request to `name` built from the first subgraph's answer, and the two answers
 * joined into the gateway's shape. The subgraph target sends both, one after the other, so it
 * does the same work as the gateway minus the gateway.
 */
export interface EntityStep {
  name: string;
  request: (first: unknown) => BenchRequest;
  join: (first: unknown, second: unknown) => unknown;
}

/**
 * One benchmark scenario: request i is built from the data, so consecutive requests differ.
 * A read also says which subgraph owns it (the same request, or that subgraph's part followed
 * by the other subgraph's part when the gateway's query spans two) and how to read the same
 * rows with plain SQL (the floor). Request i, the subgraph's request i and `sql(i)` ask for the
 * same parameters, and their answers are the same data: `sql` returns it in the shape of the
 * gateway's `data`, which the run checks before it measures (bench/equal-work.ts).
 */
export interface Scenario {
  name: string;
  description: string;
  request: (i: number) => BenchRequest;
  /** Writes leave these out. */
  subgraph?: { name: string; request?: (i: number) => BenchRequest; then?: EntityStep; note?: string };
  /** The same data with plain SQL (and the peer call or audit insert the subgraph makes); undefined: no floor measured. */
  sql?: (i: number) => Promise<unknown>;
  /** Figures about the parameters, reported with the results (e.g. how many scopes fill a page). */
  facts?: Record<string, number>;
}

/** What a scenario module gets: a token signer, the seeded data, and the subgraphs for a floor's peer call. */
export interface ScenarioContext {
  signToken: (claims: TokenClaims) => Promise<string>;
  query: <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;
  /** A subgraph's `data` for a request, sent as the subgraphs' peer client sends it; without it, floors that make a peer call are left out. */
  peer?: (subgraph: string, request: BenchRequest) => Promise<unknown>;
}

/**
 * Each subgraph's scenarios live in `bench/scenarios/<subgraph>.ts`, whose default export is a
 * ScenarioFactory; the runner loads every file in this folder, so adding one edits nothing else.
 */
export type ScenarioFactory = (context: ScenarioContext) => Promise<Scenario[]>;

/** The LIKE pattern for everything under an area code (510107000000 → 510107%). */
export function under(code: string | null | undefined): string {
  if (!code) return '%';
  for (const length of [2, 4, 6, 9]) if (/^0+$/.test(code.slice(length))) return `${code.slice(0, length)}%`;
  return code;
}

/**
 * The i-th of n items in a stride that visits every item before repeating (the stride is
 * coprime with n), so neighbouring requests pick items far apart and no short cycle repeats.
 * The runner's i never restarts, so a run's requests walk the whole list.
 */
export function spread(i: number, n: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let stride = Math.max(1, Math.round(n * 0.618));
  while (gcd(stride, n) !== 1) stride++;
  return (i * stride) % n;
}

/** A connection's data as a subgraph answers it: the total and one edge per node. */
export function connection<T>(nodes: T[], totalCount?: number): { totalCount?: number; edges: { node: T }[] } {
  return { ...(totalCount === undefined ? {} : { totalCount }), edges: nodes.map((node) => ({ node })) };
}
