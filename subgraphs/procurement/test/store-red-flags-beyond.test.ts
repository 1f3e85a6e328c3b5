import { randomUUID } from 'node:crypto';
import { BEYOND_DEFAULTS } from '../src/red-flags/beyond';
import { CARDINAL_DEFAULTS } from '../src/red-flags/indicators';
import { flagsOf } from '../src/red-flags/evaluate';
import { ACTOR, openStore, type StoreFixture } from './store-support';

/**
 * The SQL of the flags beyond Cardinal: the buyer's year summed in the database (split purchases,
 * supplier concentration), each contract's supplements and milestone payments, judged through
 * flagsOf as the graph does (the registry answering that it knows nothing).
 */

let fx: StoreFixture;
beforeAll(async () => {
  fx = await openStore();
  await fx.store.budgetLines.addCatalogueItem({ code: 'A01.02', name: '老年助餐服务', category: 'ELDERLY_CARE' }, ACTOR);
  await fx.store.budgetLines.addCatalogueItem({ code: 'B02.01', name: '儿童关爱服务', category: 'CHILD_AND_YOUTH' }, ACTOR);
});
afterAll(() => fx.close());

const nothing = () => undefined;
const TZ = 'Asia/Shanghai';
/** A threshold of 1 000 000 yuan keeps the test's amounts small. */
const thresholds = { ...CARDINAL_DEFAULTS, ...BEYOND_DEFAULTS, openTenderThresholdFen: 100_000_000n };
const silentRegistry = {
  penaltiesOf: async (ids: readonly string[]) => ids.map(() => null),
  representativesOf: async (ids: readonly string[]) => ids.map(() => null),
};

const buyer = () => fx.budgetLine({ amount: '90000000.00' });

/** An awarded tender of a new project of `line`'s buyer: `price` to `supplier` (the runner-up a fresh body). */
async function award(
  line: { id: string; agencyId: string },
  supplier: string,
  price: string,
  {
    method = 'INVITED',
    catalogue = 'A01.01',
    lastYear = false,
  }: { method?: 'OPEN' | 'INVITED'; catalogue?: string; lastYear?: boolean } = {},
) {
  const projectId = await fx.project({ line, budget: '5000000.00' });
  if (catalogue !== 'A01.01') {
    const category = catalogue.startsWith('B') ? 'CHILD_AND_YOUTH' : 'ELDERLY_CARE';
    await fx.database.query(`UPDATE procurement.project SET catalogue_code = $2, category = $3 WHERE id = $1::uuid`, [
      projectId,
      catalogue,
      category,
    ]);
  }
  const tender = await fx.tender(projectId, { method });
  const winner = await fx.bid(tender.id, price, supplier);
  await fx.bid(tender.id, '4900000.00');
  await fx.closeTender(tender.id);
  await fx.award(tender, winner);
  if (lastYear)
    await fx.database.query(
      `UPDATE procurement.tender SET published_at = published_at - interval '1 year', opens_at = opens_at - interval '1 year',
       closes_at = closes_at - interval '1 year', awarded_at = awarded_at - interval '1 year' WHERE id = $1::uuid`,
      [tender.id],
    );
  return { projectId, tenderId: tender.id, bidId: winner.id };
}

async function flags(projectIds: string[], indicator: string) {
  const processes = await fx.store.redFlags.projectProcesses(projectIds);
  const all = await flagsOf(processes, fx.store.redFlags, silentRegistry, thresholds, TZ, new Date());
  return all.filter((flag) => flag.indicator === indicator);
}

describe('SPLIT_PURCHASE', () => {
  test('two awards each under the threshold, together reaching it, flag both with the whole group as evidence', async () => {
    const line = await buyer();
    const supplier = randomUUID();
    const first = await award(line, supplier, '600000.00');
    const second = await award(line, supplier, '400000.00');
    const found = await flags([first.projectId, second.projectId], 'SPLIT_PURCHASE');
    expect(found.map((flag) => flag.tenderId).sort()).toEqual([first.tenderId, second.tenderId].sort());
    expect(found[0]).toMatchObject({ value: 1_000_000, threshold: 1_000_000, organizationIds: [supplier], decided: true });
    expect(found[0]!.projectIds).toEqual([first.projectId, second.projectId]);
    expect(found[0]!.bidIds).toEqual([first.bidId, second.bidId]);
    const [awardedAt] = await fx.database.query<{ at: Date }>(`SELECT awarded_at AS at FROM procurement.tender WHERE id = $1::uuid`, [
      second.tenderId,
    ]);
    expect(found[0]!.raisedAt).toEqual(awardedAt!.at);
  });

  test('one fen short of the threshold is no split', async () => {
    const line = await buyer();
    const supplier = randomUUID();
    const first = await award(line, supplier, '600000.00');
    const second = await award(line, supplier, '399999.99');
    expect(await flags([first.projectId, second.projectId], 'SPLIT_PURCHASE')).toEqual([]);
  });

  test('leaves out open tenders, awards at the threshold, other suppliers, items, buyers and years', async () => {
    const line = await buyer();
    const supplier = randomUUID();
    const base = await award(line, supplier, '600000.00');
    const others = [
      await award(line, supplier, '400000.00', { method: 'OPEN' }),
      await award(line, supplier, '1000000.00'),
      await award(line, randomUUID(), '400000.00'),
      await award(line, supplier, '400000.00', { catalogue: 'A01.02' }),
      await award(await buyer(), supplier, '400000.00'),
      await award(line, supplier, '400000.00', { lastYear: true }),
    ];
    expect(await flags([base.projectId, ...others.map((other) => other.projectId)], 'SPLIT_PURCHASE')).toEqual([]);
  });
});

describe('SUPPLIER_CONCENTRATION', () => {
  test('a supplier with more than half of the buyer’s awards in the category is flagged on each of its awards', async () => {
    const line = await buyer();
    const [a, b] = [randomUUID(), randomUUID()];
    const awards = [await award(line, a, '300000.00'), await award(line, a, '300000.00'), await award(line, b, '599999.99')];
    const found = await flags(
      awards.map((made) => made.projectId),
      'SUPPLIER_CONCENTRATION',
    );
    expect(found.map((flag) => flag.tenderId).sort()).toEqual([awards[0]!.tenderId, awards[1]!.tenderId].sort());
    expect(found[0]!.value).toBeCloseTo(600000 / 1199999.99, 12);
    expect(found[0]).toMatchObject({ threshold: 0.5, organizationIds: [a] });
    expect(found[0]!.projectIds!.sort()).toEqual([awards[0]!.projectId, awards[1]!.projectId].sort());
  });

  test('exactly half is not above it', async () => {
    const line = await buyer();
    const [a, b] = [randomUUID(), randomUUID()];
    const awards = [await award(line, a, '300000.00'), await award(line, a, '300000.00'), await award(line, b, '600000.00')];
    expect(
      await flags(
        awards.map((made) => made.projectId),
        'SUPPLIER_CONCENTRATION',
      ),
    ).toEqual([]);
  });

  test('counts only the buyer’s awards of the category and year, and needs three of them', async () => {
    const line = await buyer();
    const [a, b] = [randomUUID(), randomUUID()];
    const awards = [
      await award(line, a, '300000.00'),
      await award(line, b, '200000.00'),
      await award(line, b, '900000.00', { catalogue: 'B02.01' }),
      await award(line, b, '900000.00', { lastYear: true }),
      await award(await buyer(), b, '900000.00'),
    ];
    // In the category this year: a 300 000 of 500 000, from two awards: under the minimum of three.
    expect(
      await flags(
        awards.map((made) => made.projectId),
        'SUPPLIER_CONCENTRATION',
      ),
    ).toEqual([]);
    const third = await award(line, b, '100000.00');
    // Three awards now: a has 300 000 of 600 000, exactly half; b has the other half.
    expect(await flags([awards[0]!.projectId, third.projectId], 'SUPPLIER_CONCENTRATION')).toEqual([]);
  });
});

describe('SUPPLEMENTS_NEAR_CAP and PAYMENT_BEFORE_MILESTONE', () => {
  const supplement = (contractId: string, amount: string, today: string) =>
    fx.store.payments.addSupplement(contractId, amount, '增加服务人次', today, ACTOR, nothing);
  const pay = (contractId: string, paidOn: string, milestoneId: string | undefined) =>
    fx.store.payments.record(contractId, { amount: '1000.00', paidOn, milestoneId }, ACTOR, nothing);

  test('supplements reaching 9% flag the contract on the day of the one that got there; one fen less does not', async () => {
    const near = await fx.activeContract({ value: '100000.00' });
    await supplement(near.contractId, '5000.00', '2027-01-10');
    expect(await flags([near.projectId], 'SUPPLEMENTS_NEAR_CAP')).toEqual([]);
    await supplement(near.contractId, '4000.00', '2027-02-10');
    const [flag] = await flags([near.projectId], 'SUPPLEMENTS_NEAR_CAP');
    expect(flag).toMatchObject({ tenderId: near.tenderId, value: 0.09, threshold: 0.09, organizationIds: [near.supplierId] });
    expect(flag!.raisedAt).toEqual(new Date('2027-02-09T16:00:00Z'));
    const short = await fx.activeContract({ value: '100000.00' });
    await supplement(short.contractId, '8999.99', '2027-01-10');
    expect(await flags([short.projectId], 'SUPPLEMENTS_NEAR_CAP')).toEqual([]);
  });

  test('payments against an open milestone or before its completion day flag; on the day, or an advance, do not', async () => {
    const made = await fx.activeContract({ value: '100000.00', milestones: ['2027-03-01', '2027-06-01'] });
    const [first, second] = made.milestoneIds;
    await fx.store.milestones.complete(first!, '2027-03-02', ACTOR, nothing);
    await pay(made.contractId, '2027-03-02', first);
    await pay(made.contractId, '2027-01-15', undefined);
    expect(await flags([made.projectId], 'PAYMENT_BEFORE_MILESTONE')).toEqual([]);
    await pay(made.contractId, '2027-03-01', first);
    await pay(made.contractId, '2027-03-05', second);
    const [flag] = await flags([made.projectId], 'PAYMENT_BEFORE_MILESTONE');
    expect(flag).toMatchObject({ tenderId: made.tenderId, value: 2, threshold: 1, organizationIds: [made.supplierId] });
  });
});
