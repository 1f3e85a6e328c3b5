import {
  BEYOND_DEFAULTS,
  paymentBeforeMilestone,
  similarBidders,
  splitPurchase,
  supplementsNearCap,
  supplierConcentration,
  type CategorySpend,
  type ContractSupplements,
  type MilestonePayment,
  type PurchaseGroup,
} from '../src/red-flags/beyond';
import { loadProcurementConfig } from '../src/config';
import type { ProcessBid, ProcessFacts } from '../src/red-flags/indicators';

/** The flags beyond Cardinal: each one step either side of its threshold, and each of its exclusions. */

const DAY = 86_400_000;
const closesAt = new Date('2026-03-21T01:00:00Z');
const awardedAt = new Date(closesAt.getTime() + 2 * DAY);
const now = new Date(closesAt.getTime() + 10 * DAY);

const bid = (id: string, organizationId = `org-${id}`): ProcessBid => ({
  id,
  organizationId,
  priceFen: 10_000_000n,
  submittedAt: new Date(closesAt.getTime() - DAY),
  qualified: true,
});

const facts = (overrides: Partial<ProcessFacts> = {}): ProcessFacts => ({
  tenderId: 't1',
  projectId: 'p1',
  areaCode: '510107000000',
  method: 'INVITED',
  status: 'AWARDED',
  publishedAt: new Date(closesAt.getTime() - 25 * DAY),
  opensAt: new Date(closesAt.getTime() - 25 * DAY),
  closesAt,
  awardedBidId: 'a',
  awardedAt,
  bids: [bid('a'), bid('b'), bid('c')],
  ...overrides,
});

describe('SIMILAR_BIDDERS', () => {
  const names = (entries: [string, string | null][]) => new Map(entries);

  it('flags two tenderers with one legal representative, whatever the spacing, with their bids as evidence', () => {
    const flag = similarBidders(
      facts(),
      names([
        ['org-a', '张 伟'],
        ['org-b', '李娜'],
        ['org-c', '张伟'],
      ]),
      now,
    );
    // Exactly the flag's fields: nothing of the process (its bids' prices) rides along.
    expect(flag).toEqual({
      tenderId: 't1',
      projectId: 'p1',
      areaCode: '510107000000',
      indicator: 'SIMILAR_BIDDERS',
      value: 2,
      threshold: 2,
      raisedAt: closesAt,
      decided: true,
      bidIds: ['a', 'c'],
      organizationIds: ['org-a', 'org-c'],
    });
  });

  it('does not flag distinct representatives (one tenderer short of a pair)', () => {
    const distinct = names([
      ['org-a', '张伟'],
      ['org-b', '李娜'],
      ['org-c', '王芳'],
    ]);
    expect(similarBidders(facts(), distinct, now)).toBeUndefined();
  });

  it('counts a tenderer once, however many bids it made', () => {
    const twice = facts({ bids: [bid('a'), bid('a2', 'org-a'), bid('b')] });
    expect(
      similarBidders(
        twice,
        names([
          ['org-a', '张伟'],
          ['org-b', '李娜'],
        ]),
        now,
      ),
    ).toBeUndefined();
  });

  it('excludes tenderers without a recorded representative or unknown to the registry', () => {
    expect(
      similarBidders(
        facts(),
        names([
          ['org-a', null],
          ['org-b', '  '],
        ]),
        now,
      ),
    ).toBeUndefined();
  });

  it('excludes a tender before its deadline, and is not public before the decision', () => {
    const same = names([
      ['org-a', '张伟'],
      ['org-b', '张伟'],
    ]);
    expect(similarBidders(facts(), same, new Date(closesAt.getTime() - 1))).toBeUndefined();
    expect(similarBidders(facts(), same, closesAt)).toBeDefined();
    expect(similarBidders(facts({ status: 'ACTIVE', awardedBidId: null }), same, now)?.decided).toBe(false);
  });
});

describe('SPLIT_PURCHASE', () => {
  const group = (overrides: Partial<PurchaseGroup> = {}): PurchaseGroup => ({
    tenderId: 't1',
    totalFen: 200_000_000n,
    tenderIds: ['t1', 't2'],
    projectIds: ['p1', 'p2'],
    bidIds: ['a', 'x'],
    supplierId: 'org-a',
    reachedAt: awardedAt,
    ...overrides,
  });

  it('flags a group whose total reaches the open-tender threshold, with its projects as evidence', () => {
    expect(splitPurchase(facts(), group(), BEYOND_DEFAULTS)).toMatchObject({
      indicator: 'SPLIT_PURCHASE',
      value: 2_000_000,
      threshold: 2_000_000,
      raisedAt: awardedAt,
      projectIds: ['p1', 'p2'],
      organizationIds: ['org-a'],
    });
  });

  it('does not flag one fen under the threshold, nor a single purchase', () => {
    expect(splitPurchase(facts(), group({ totalFen: 199_999_999n }), BEYOND_DEFAULTS)).toBeUndefined();
    expect(splitPurchase(facts(), group({ tenderIds: ['t1'], projectIds: ['p1'] }), BEYOND_DEFAULTS)).toBeUndefined();
  });

  it('follows a configured threshold', () => {
    expect(
      splitPurchase(facts(), group({ totalFen: 150_000_000n }), { ...BEYOND_DEFAULTS, openTenderThresholdFen: 150_000_000n }),
    ).toBeDefined();
    expect(splitPurchase(facts(), group(), { ...BEYOND_DEFAULTS, openTenderThresholdFen: 200_000_001n })).toBeUndefined();
  });
});

describe('SUPPLIER_CONCENTRATION', () => {
  const spend = (overrides: Partial<CategorySpend> = {}): CategorySpend => ({
    tenderId: 't1',
    supplierId: 'org-a',
    supplierFen: 50_000_001n,
    buyerFen: 100_000_000n,
    buyerAwards: 3,
    projectIds: ['p1'],
    bidIds: ['a'],
    latestAward: awardedAt,
    ...overrides,
  });

  it('flags a share one fen above half, not exactly half', () => {
    expect(supplierConcentration(facts(), spend(), BEYOND_DEFAULTS)).toMatchObject({
      indicator: 'SUPPLIER_CONCENTRATION',
      threshold: 0.5,
      raisedAt: awardedAt,
    });
    expect(supplierConcentration(facts(), spend(), BEYOND_DEFAULTS)!.value).toBeCloseTo(0.5);
    expect(supplierConcentration(facts(), spend({ supplierFen: 50_000_000n }), BEYOND_DEFAULTS)).toBeUndefined();
  });

  it('excludes buyers with fewer awards than the minimum in the category', () => {
    expect(supplierConcentration(facts(), spend({ buyerAwards: 2 }), BEYOND_DEFAULTS)).toBeUndefined();
    expect(supplierConcentration(facts(), spend({ buyerAwards: 2 }), { ...BEYOND_DEFAULTS, concentrationMinimumAwards: 2 })).toBeDefined();
  });

  it('excludes a buyer whose awards total nothing, and follows a configured share', () => {
    expect(supplierConcentration(facts(), spend({ supplierFen: 0n, buyerFen: 0n }), BEYOND_DEFAULTS)).toBeUndefined();
    expect(supplierConcentration(facts(), spend(), { ...BEYOND_DEFAULTS, concentrationBasisPoints: 5001 })).toBeUndefined();
  });
});

describe('SUPPLEMENTS_NEAR_CAP', () => {
  const day = (n: number) => new Date(awardedAt.getTime() + n * DAY);
  const contract = (fens: bigint[], originalFen = 60_000_000n): ContractSupplements => ({
    tenderId: 't1',
    bidId: 'a',
    supplierId: 'org-a',
    originalFen,
    supplements: fens.map((fen, i) => ({ fen, signedAt: day(i + 1) })),
  });

  it('flags supplements reaching 9% of the original value, raised by the one that got there', () => {
    const flag = supplementsNearCap(facts(), contract([3_000_000n, 2_400_000n]), BEYOND_DEFAULTS);
    expect(flag).toMatchObject({ indicator: 'SUPPLEMENTS_NEAR_CAP', threshold: 0.09, raisedAt: day(2), organizationIds: ['org-a'] });
    expect(flag!.value).toBeCloseTo(0.09);
  });

  it('does not flag one fen under 9%', () => {
    expect(supplementsNearCap(facts(), contract([5_399_999n]), BEYOND_DEFAULTS)).toBeUndefined();
  });

  it('reports the whole total when later supplements add more', () => {
    expect(supplementsNearCap(facts(), contract([5_400_000n, 600_000n]), BEYOND_DEFAULTS)).toMatchObject({ value: 0.1, raisedAt: day(1) });
  });

  it('follows a configured margin, and excludes a zero original value', () => {
    expect(supplementsNearCap(facts(), contract([5_400_000n]), { ...BEYOND_DEFAULTS, supplementMarginBasisPoints: 50 })).toBeUndefined();
    expect(supplementsNearCap(facts(), contract([5_700_000n]), { ...BEYOND_DEFAULTS, supplementMarginBasisPoints: 50 })).toBeDefined();
    expect(supplementsNearCap(facts(), contract([1n], 0n), BEYOND_DEFAULTS)).toBeUndefined();
  });
});

describe('PAYMENT_BEFORE_MILESTONE', () => {
  const payment = (paidOn: string, completedOn: string | null, recordedAt = awardedAt): MilestonePayment => ({
    tenderId: 't1',
    bidId: 'a',
    supplierId: 'org-a',
    paidOn,
    recordedAt,
    completedOn,
  });

  it('flags a payment the day before completion, and one against an open milestone', () => {
    const later = new Date(awardedAt.getTime() + DAY);
    const flag = paymentBeforeMilestone(facts(), [payment('2026-05-01', null, later), payment('2026-04-30', '2026-05-01')]);
    expect(flag).toMatchObject({ indicator: 'PAYMENT_BEFORE_MILESTONE', value: 2, threshold: 1, raisedAt: awardedAt });
  });

  it('does not flag a payment on or after the completion day', () => {
    expect(paymentBeforeMilestone(facts(), [payment('2026-05-01', '2026-05-01'), payment('2026-05-02', '2026-05-01')])).toBeUndefined();
  });

  it('has nothing to judge without payments against milestones (advances are not passed to it)', () => {
    expect(paymentBeforeMilestone(facts(), [])).toBeUndefined();
  });
});

describe('thresholds from the environment', () => {
  const load = (env: Record<string, string>) => loadProcurementConfig(env, 'Asia/Shanghai').redFlags;

  it('defaults to 2 000 000 yuan, half, 3 awards and a 1% margin', () => {
    expect(load({})).toMatchObject({
      openTenderThresholdFen: 200_000_000n,
      concentrationBasisPoints: 5000,
      concentrationMinimumAwards: 3,
      supplementMarginBasisPoints: 100,
    });
  });

  it('reads exact amounts and shares', () => {
    expect(
      load({
        PROCUREMENT_OPEN_TENDER_THRESHOLD: '4000000.50',
        PROCUREMENT_CONCENTRATION_SHARE: '0.6',
        PROCUREMENT_CONCENTRATION_MIN_AWARDS: '5',
        PROCUREMENT_SUPPLEMENT_MARGIN: '0.005',
      }),
    ).toMatchObject({
      openTenderThresholdFen: 400_000_050n,
      concentrationBasisPoints: 6000,
      concentrationMinimumAwards: 5,
      supplementMarginBasisPoints: 50,
    });
  });

  it.each([
    ['PROCUREMENT_OPEN_TENDER_THRESHOLD', '0'],
    ['PROCUREMENT_OPEN_TENDER_THRESHOLD', '1e6'],
    ['PROCUREMENT_CONCENTRATION_SHARE', '1'],
    ['PROCUREMENT_CONCENTRATION_SHARE', '0'],
    ['PROCUREMENT_SUPPLEMENT_MARGIN', '0.1'],
    ['PROCUREMENT_SUPPLEMENT_MARGIN', '0.00001'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => load({ [name]: value })).toThrow(name);
  });
});
