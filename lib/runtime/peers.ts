import { GraphQLError } from 'graphql';
import { createHttpClient, type TextResponse } from './http-client';
import { injectTraceContext, withClientSpan } from '../edge/tracing';

/**
 * Reads another subgraph's public data over GraphQL, for the rare rule that must check the
 * graph's data rather than trust the input (a bid's supplier must be ACTIVE in the registry).
 * Subgraphs never share tables (DESIGN.md rule 1), so this is how one asks another.
 */
export type PeerClient = <T = Record<string, unknown>>(
  subgraph: string,
  query: string,
  variables?: Record<string, unknown>,
  options?: { requestId?: string; authorization?: string },
) => Promise<T>;

/** A peer client that finds each subgraph's URL when called (peers may start after this one). */
export function createPeerClient(urlOf: (subgraph: string) => string | undefined, timeoutMs: number): PeerClient {
  // Idle kept-alive connections do not hold the process open (node:http's agent unrefs them).
  const client = createHttpClient();
  return <T>(
    subgraph: string,
    query: string,
    variables?: Record<string, unknown>,
    options: { requestId?: string; authorization?: string } = {},
  ) =>
    withClientSpan(`peer ${subgraph}`, { 'peer.service': subgraph }, async () => {
      const url = urlOf(subgraph);
      const unavailable = (detail: string) =>
        new GraphQLError(`The ${subgraph} data this needs is unavailable; try again shortly.`, {
          extensions: { code: 'SERVICE_UNAVAILABLE', detail },
        });
      if (!url) throw unavailable('no URL configured');
      const headers = new Headers({ 'content-type': 'application/json' });
      if (options.requestId) headers.set('x-request-id', options.requestId);
      if (options.authorization) headers.set('authorization', options.authorization);
      // The peer continues this request's trace, under this client span.
      injectTraceContext(headers);
      let response: TextResponse;
      try {
        response = await client.request(
          url,
          { method: 'POST', headers: Object.fromEntries(headers), body: JSON.stringify({ query, variables }) },
          timeoutMs,
        );
      } catch (error) {
        throw unavailable(error instanceof Error ? error.message : String(error));
      }
      const body = (await response.json().catch(() => ({}))) as { data?: T; errors?: { message: string }[] };
      if (!response.ok || body.errors?.length || !body.data) {
        throw unavailable(body.errors?.[0]?.message ?? `HTTP ${response.status}`);
      }
      return body.data;
    });
}
