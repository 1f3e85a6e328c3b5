import type { TokenClaims } from '../../lib/kernel/auth';

/** One GraphQL request: query, variables and the token to send. */
export interface BenchRequest {
  query: string;
  variables?: Record<string, unknown>;
  token?: string;
}

/**
 * One benchmark scenario: request i is built from the data, so consecutive requests differ.
 * A read also says which subgraph owns it (the same request, or the part that subgraph answers
 * when the gateway's query spans several, is sent straight to it) and how to read the same data
 * with plain SQL (the floor), so every run measures gateway, subgraph and SQL side by side.
 */
export interface Scenario {
  name: string;
  description: string;
  request: (i: number) => BenchRequest;
  /** Writes leave these out. */
  subgraph?: { name: string; request?: (i: number) => BenchRequest; note?: string };
  /** The same data with plain SQL through the database connection; undefined: no floor measured. */
  sql?(i: number): Promise<unknown>;
}

/** What a scenario module gets: a token signer and read access to the seeded data. */
export interface ScenarioContext {
  signToken: (claims: TokenClaims) => Promise<string>;
  query: <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;
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
 */
export function spread(i: number, n: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let stride = Math.max(1, Math.round(n * 0.618));
  while (gcd(stride, n) !== 1) stride++;
  return (i * stride) % n;
}
