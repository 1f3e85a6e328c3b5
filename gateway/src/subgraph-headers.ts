/**
 * What the gateway tells a subgraph about the request besides the operation: when the caller
 * stops waiting, and the caller's idempotency key.
 */

/**
 * Taken off the deadline a subgraph is sent: the time its answer needs to come back. A subgraph
 * that commits just before its deadline is still answered before the gateway gives up, so an
 * answer of failure means nothing was written.
 */
export const ANSWER_MARGIN_MS = 100;

/** The parts of the gateway context read here (`deadline` is the whole request's, when set). */
export interface ForwardedContext {
  deadline?: number;
  idempotencyKey?: string;
}

/**
 * Sets `x-request-deadline` (epoch ms: the request's deadline, or this fetch's own timeout when
 * that comes first or no request deadline is set) and passes `Idempotency-Key` on, so a subgraph
 * stops and rolls back its work when the caller has been answered, and a retried mutation is
 * done once.
 */
export function forwardToSubgraph(
  headers: { set(name: string, value: string): void },
  context: ForwardedContext,
  fetchTimeoutMs: number,
): void {
  const fetchDeadline = Date.now() + fetchTimeoutMs;
  const deadline = context.deadline === undefined ? fetchDeadline : Math.min(context.deadline, fetchDeadline);
  headers.set('x-request-deadline', String(deadline - ANSWER_MARGIN_MS));
  if (context.idempotencyKey !== undefined) headers.set('idempotency-key', context.idempotencyKey);
}
