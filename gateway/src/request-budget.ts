import { AsyncLocalStorage } from 'node:async_hooks';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/**
 * What one request may spend at the gateway as a whole: time until its deadline
 * (REQUEST_TIMEOUT_MS) and bytes of subgraph answers (MAX_RESPONSE_BYTES). Either one passed
 * aborts every subgraph fetch still in flight for the request, and the request is answered
 * with one path-less error: the probe's accepted query ran past 15 s and built 832 KB before
 * anything stopped it, holding the event loop other callers needed.
 */
export class RequestBudget {
  /** Epoch milliseconds: when the request's time is up. */
  readonly deadline: number;
  /** Aborted when the deadline passes or the answers grow past the byte limit. */
  readonly signal: AbortSignal;
  private readonly oversize = new AbortController();
  private bytes = 0;

  constructor(
    timeoutMs: number,
    private readonly maxBytes: number,
    now = Date.now(),
  ) {
    this.deadline = now + timeoutMs;
    this.signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), this.oversize.signal]);
  }

  /** Counts bytes of a subgraph answer as they arrive; past the limit, the rest is aborted. */
  count(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes > this.maxBytes && !this.signal.aborted) this.oversize.abort(new ResponseTooLarge(this.maxBytes));
  }

  /** Why the request was stopped, if it was. */
  get exceeded(): 'time' | 'bytes' | undefined {
    if (this.oversize.signal.aborted) return 'bytes';
    return this.signal.aborted ? 'time' : undefined;
  }

  /** What is left of the request's time, for one subgraph fetch. */
  remainingMs(now = Date.now()): number {
    return Math.max(0, this.deadline - now);
  }
}

export class ResponseTooLarge extends Error {
  override name = 'ResponseTooLarge';
  constructor(maxBytes: number) {
    super(`The subgraphs' answers exceed ${maxBytes} bytes.`);
  }
}

/** The budget of the request a subgraph fetch belongs to (set around each data source's work). */
const current = new AsyncLocalStorage<RequestBudget>();

export function withBudget<T>(budget: RequestBudget | undefined, work: () => Promise<T>): Promise<T> {
  return budget ? current.run(budget, work) : work();
}

export function currentBudget(): RequestBudget | undefined {
  return current.getStore();
}

/**
 * Answers a request whose budget ran out with one error and no partial data: REQUEST_TIMEOUT
 * (HTTP 504) when its deadline passed, RESPONSE_TOO_LARGE (HTTP 400, as the final size guard of
 * lib/edge/http.ts answers) when the subgraphs' answers outgrew MAX_RESPONSE_BYTES. The errors of the
 * fetches aborted on the way are dropped: they are consequences, not what the caller needs to know.
 */
export function requestBudgetPlugin<C extends BaseContext & { budget: RequestBudget; requestId: string }>(limits: {
  requestTimeoutMs: number;
  maxResponseBytes: number;
}): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          const exceeded = contextValue.budget.exceeded;
          if (!exceeded || response.body.kind !== 'single') return;
          const [message, code, status] =
            exceeded === 'time'
              ? [`The request did not complete within ${limits.requestTimeoutMs} ms; ask for less or try again.`, 'REQUEST_TIMEOUT', 504]
              : [`The response would exceed ${limits.maxResponseBytes} bytes; ask for fewer rows or fields.`, 'RESPONSE_TOO_LARGE', 400];
          response.body.singleResult = { errors: [{ message, extensions: { code, requestId: contextValue.requestId } }] };
          response.http.status = status;
        },
      };
    },
  };
}
