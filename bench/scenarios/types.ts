import type { TokenClaims } from '../../lib/auth';

/** One benchmark scenario: request i is built from the data, so consecutive requests differ. */
export interface Scenario {
  name: string;
  description: string;
  /** Builds request i: query, variables and the token to send. */
  request(i: number): { query: string; variables?: Record<string, unknown>; token?: string };
}

/** What a scenario module gets: a token signer and read access to the seeded data. */
export interface ScenarioContext {
  signToken(claims: TokenClaims): Promise<string>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/**
 * Each subgraph's scenarios live in `bench/scenarios/<subgraph>.ts`, whose default export is a
 * ScenarioFactory; the runner loads every file in this folder, so adding one edits nothing else.
 */
export type ScenarioFactory = (context: ScenarioContext) => Promise<Scenario[]>;
