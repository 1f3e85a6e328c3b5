import { createHttpClient, type HttpClient } from '../lib/runtime/http-client';
import type { BenchRequest } from './scenarios/types';

/**
 * The load generator's HTTP client: the services' own (node:http on keep-alive connections).
 * Node's fetch (undici, web streams) spent about 1.5 ms more CPU per 10 kB answer
 * (bench/README.md), and its cost would land on the targets that answer over HTTP.
 */
export type BenchClient = HttpClient;
export const createBenchClient = (): BenchClient => createHttpClient();

export const REQUEST_TIMEOUT_MS = 60_000;

/** A GraphQL answer; a non-2xx without GraphQL errors becomes an error naming the status. */
export interface Answer {
  data?: unknown;
  errors?: unknown[];
}

export async function post(client: BenchClient, url: string, request: BenchRequest, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Answer> {
  const response = await client.request(
    url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(request.token ? { authorization: `Bearer ${request.token}` } : {}) },
      body: JSON.stringify({ query: request.query, variables: request.variables }),
    },
    timeoutMs,
  );
  const answer = (await response.json()) as Answer;
  return !response.ok && !answer.errors ? { errors: [response.status] } : answer;
}

/** The answer's data, or an error carrying its first GraphQL error. */
export function dataOf(answer: Answer): unknown {
  if (answer.errors?.length) throw new Error(`GraphQL error: ${JSON.stringify(answer.errors[0]).slice(0, 300)}`);
  return answer.data;
}
