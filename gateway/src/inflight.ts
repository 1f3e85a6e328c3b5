import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Counter, type Registry } from 'prom-client';
import { TextResponse } from '../../lib/runtime/http-client';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

/** What the merging did since the gateway started (the benchmark reports it). */
export interface InflightStats {
  /** Requests that went to a subgraph. */
  sent: number;
  /** Requests answered with another identical request's response instead of being sent. */
  merged: number;
}

interface Shared {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string;
}

/**
 * In-flight merging (Apollo Router's "query deduplication"): while a query is on its way to a
 * subgraph, an identical one (same URL, document, variables and Authorization) waits for its
 * answer instead of being sent again. Only queries: a mutation is sent every time. The key
 * holds the Authorization header because a subgraph answers by the caller's jurisdiction; the
 * request id is left out, so the subgraph's log shows the first request's id for all of them.
 * Nothing outlives the request in flight: this is not a cache.
 */
export function mergeInflight(fetcher: Fetcher, subgraph: string, stats: InflightStats, counter: Counter<'subgraph'> | undefined): Fetcher {
  const inflight = new Map<string, Promise<Shared>>();
  return async (url, init) => {
    const key =
      typeof init?.body === 'string' && isQuery(init.body)
        ? `${url}\n${header(init.headers, 'authorization') ?? ''}\n${init.body}`
        : undefined;
    if (key === undefined) {
      stats.sent++;
      return fetcher(url, init);
    }
    let shared = inflight.get(key);
    if (shared) {
      stats.merged++;
      counter?.inc({ subgraph });
    } else {
      stats.sent++;
      shared = read(fetcher(url, init));
      inflight.set(key, shared);
      const settled = () => inflight.delete(key);
      shared.then(settled, settled);
    }
    const { status, statusText, headers, body } = await shared;
    // Every caller gets its own response over the same text.
    return new TextResponse(url, status, statusText, headers, body);
  };
}

async function read(pending: Promise<FetcherResponse>): Promise<Shared> {
  const response = await pending;
  return { status: response.status, statusText: response.statusText, headers: [...response.headers], body: await response.text() };
}

/** The gateway sends subgraphs `{"query": …}` with the operation keyword (or `{`) first. */
function isQuery(body: string): boolean {
  try {
    const { query } = JSON.parse(body) as { query?: unknown };
    return typeof query === 'string' && /^\s*(?:query\b|\{)/.test(query);
  } catch {
    return false;
  }
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The counter on the gateway's /metrics. */
export function mergedCounter(registry: Registry): Counter<'subgraph'> {
  return new Counter({
    name: 'graphql_gateway_subgraph_fetch_merged_total',
    help: 'Subgraph queries answered by an identical request already in flight instead of being sent.',
    labelNames: ['subgraph'],
    registers: [registry],
  });
}
