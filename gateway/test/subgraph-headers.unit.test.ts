import { requestDeadline } from '../../lib/runtime/subgraph-server';
import { ANSWER_MARGIN_MS, forwardToSubgraph } from '../src/subgraph-headers';

/** The deadline and the idempotency key travel from the gateway's context to the subgraph's work scope. */

function sent(context: { deadline?: number; idempotencyKey?: string }, fetchTimeoutMs: number): Map<string, string> {
  const headers = new Map<string, string>();
  forwardToSubgraph(headers, context, fetchTimeoutMs);
  return headers;
}

test('without a request deadline the fetch timeout is the deadline, less the margin for the answer', () => {
  const before = Date.now();
  const deadline = Number(sent({}, 10_000).get('x-request-deadline'));
  expect(deadline).toBeGreaterThanOrEqual(before + 10_000 - ANSWER_MARGIN_MS);
  expect(deadline).toBeLessThanOrEqual(Date.now() + 10_000 - ANSWER_MARGIN_MS);
});

test("the request's deadline wins when it comes first, and never stretches the fetch timeout", () => {
  const soon = Date.now() + 2_000;
  expect(sent({ deadline: soon }, 10_000).get('x-request-deadline')).toBe(String(soon - ANSWER_MARGIN_MS));
  const late = Date.now() + 60_000;
  expect(Number(sent({ deadline: late }, 10_000).get('x-request-deadline'))).toBeLessThan(late - 40_000);
});

test('the Idempotency-Key is passed on as sent, and no header is invented without one', () => {
  expect(sent({ idempotencyKey: 'k-1' }, 1_000).get('idempotency-key')).toBe('k-1');
  expect(sent({}, 1_000).has('idempotency-key')).toBe(false);
});

test("a subgraph takes the gateway's deadline, bounded by its own maximum; without one, its maximum", () => {
  const soon = Date.now() + 1_000;
  expect(requestDeadline({ 'x-request-deadline': String(soon) }, 10_000)).toBe(soon);
  const far = requestDeadline({ 'x-request-deadline': String(Date.now() + 3_600_000) }, 10_000);
  expect(far).toBeLessThanOrEqual(Date.now() + 10_000);
  for (const header of [undefined, 'soon', '-5']) {
    const deadline = requestDeadline(header === undefined ? {} : { 'x-request-deadline': header }, 10_000);
    expect(deadline).toBeGreaterThan(Date.now() + 9_000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 10_000);
  }
});
