import type { BidModel } from '../src/models';
import { ACTOR, openStore, type StoreFixture } from './store-support';

/**
 * Two writes on one record at once, as two officers would send them: on PostgreSQL they really
 * overlap, and only the row lock makes the second see what the first wrote.
 */

let fx: StoreFixture;
beforeAll(async () => {
  fx = await openStore();
});
afterAll(() => fx.close());

const nothing = () => undefined;
const outcomes = (results: PromiseSettledResult<unknown>[]) =>
  results
    .map((result) => (result.status === 'fulfilled' ? 'done' : (result.reason as { extensions?: { code?: string } }).extensions?.code))
    .sort();

test('two evaluations of one tender at the same version: one awards, the other is a CONFLICT', async () => {
  const tender = await fx.tender(await fx.project());
  const bids = [await fx.bid(tender.id, '600000.00'), await fx.bid(tender.id, '650000.00')];
  const version = await fx.version('tender', tender.id);
  const evaluate = (winner: BidModel) =>
    fx.store.tenders.evaluate(
      tender.id,
      version,
      new Map(bids.map((bid) => [bid.id, { qualified: true, score: undefined }])),
      ACTOR,
      () => ({
        winner,
        noticeDate: '2026-12-01',
        objectionDeadline: '2026-12-10',
      }),
    );
  expect(outcomes(await Promise.allSettled([evaluate(bids[0]!), evaluate(bids[1]!)]))).toEqual(['CONFLICT', 'done']);
  expect(await fx.version('tender', tender.id)).toBe(version + 1);
});

test('two status changes of one contract at the same version: one signs, the other is a CONFLICT', async () => {
  const { contractId } = await fx.pendingContract();
  const version = await fx.version('contract', contractId);
  const change = (to: 'ACTIVE' | 'TERMINATED') =>
    fx.store.contracts.changeStatus(contractId, to, version, to === 'TERMINATED' ? '放弃' : null, '2026-12-05', ACTOR, nothing);
  expect(outcomes(await Promise.allSettled([change('ACTIVE'), change('TERMINATED')]))).toEqual(['CONFLICT', 'done']);
  expect(await fx.version('contract', contractId)).toBe(version + 1);
});
