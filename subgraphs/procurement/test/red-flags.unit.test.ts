import {
  CARDINAL_DEFAULTS,
  penalisedSupplier,
  processFlags,
  winningDifference,
  type DifferenceFences,
  type ProcessBid,
  type ProcessFacts,
} from '../src/red-flags/indicators';

/** Each indicator one step either side of its threshold, and each of its exclusions. */

const DAY = 86_400_000;
const opensAt = new Date('2026-03-01T01:00:00Z');
const closesAt = new Date(opensAt.getTime() + 20 * DAY);
const awardedAt = new Date(closesAt.getTime() + 2 * DAY);
const now = new Date(closesAt.getTime() + 10 * DAY);
const before = new Date(closesAt.getTime() - 60_000);

const bid = (
  id: string,
  yuan: number,
  qualified: boolean | null = true,
  organizationId = `org-${id}`,
  submittedAt = before,
): ProcessBid => ({
  id,
  organizationId,
  priceFen: BigInt(Math.round(yuan * 100)),
  submittedAt,
  qualified,
});

function process(overrides: Partial<ProcessFacts> = {}): ProcessFacts {
  return {
    tenderId: 't1',
    projectId: 'p1',
    areaCode: '510107000000',
    method: 'OPEN',
    status: 'AWARDED',
    publishedAt: opensAt,
    opensAt,
    closesAt,
    awardedBidId: 'a',
    awardedAt,
    bids: [bid('a', 100_000), bid('b', 110_000), bid('c', 120_000)],
    ...overrides,
  };
}

const indicators = (facts: ProcessFacts, fences?: DifferenceFences, thresholds = CARDINAL_DEFAULTS, at = now) =>
  processFlags(facts, fences, thresholds, at).map((flag) => flag.indicator);
const flagOf = (facts: ProcessFacts, indicator: string, fences?: DifferenceFences, thresholds = CARDINAL_DEFAULTS) =>
  processFlags(facts, fences, thresholds, now).find((flag) => flag.indicator === indicator);

describe('a clean process', () => {
  it('raises nothing', () => {
    expect(indicators(process())).toEqual([]);
  });
});

describe('R003 short submission period', () => {
  const period = (days: number) => process({ closesAt: new Date(opensAt.getTime() + days * DAY) });
  it('flags an open tender one step under 15 days, not at 15', () => {
    expect(indicators(period(14.99))).toContain('R003');
    expect(indicators(period(15))).not.toContain('R003');
    expect(flagOf(period(10), 'R003')).toMatchObject({ value: 1, threshold: 15, raisedAt: opensAt, bidIds: [] });
  });
  it('follows a configured threshold', () => {
    expect(indicators(period(18), undefined, { ...CARDINAL_DEFAULTS, shortPeriodDays: 20 })).toContain('R003');
  });
  it('excludes methods other than open', () => {
    expect(indicators({ ...period(5), method: 'INVITED' })).not.toContain('R003');
    expect(indicators({ ...period(5), method: 'COMPETITIVE_NEGOTIATION' })).not.toContain('R003');
  });
});

describe('R018 single bid received', () => {
  const single = (overrides: Partial<ProcessFacts> = {}) =>
    process({ status: 'UNSUCCESSFUL', awardedBidId: null, awardedAt: null, bids: [bid('a', 100_000)], ...overrides });
  it('flags one tenderer in a competitive tender after the deadline', () => {
    expect(flagOf(single(), 'R018')).toMatchObject({ value: 1, bidIds: ['a'], organizationIds: ['org-a'], raisedAt: closesAt });
    expect(indicators(single({ method: 'INVITED' }))).toContain('R018');
  });
  it('counts tenderers, not bids: two bids of one tenderer are still a single bidder', () => {
    expect(indicators(single({ bids: [bid('a', 100_000), bid('b', 90_000, true, 'org-a')] }))).toContain('R018');
  });
  it('does not flag two tenderers', () => {
    expect(indicators(single({ bids: [bid('a', 100_000), bid('b', 90_000)] }))).not.toContain('R018');
  });
  it('excludes non-competitive methods and tenders still open', () => {
    expect(indicators(single({ method: 'SINGLE_SOURCE' }))).not.toContain('R018');
    expect(indicators(single({ method: 'COMPETITIVE_CONSULTATION' }))).not.toContain('R018');
    expect(indicators(single(), undefined, CARDINAL_DEFAULTS, before)).not.toContain('R018');
  });
});

describe('R028 identical bid prices', () => {
  it('flags different tenderers at one price, naming them', () => {
    const facts = process({ bids: [bid('a', 100_000), bid('b', 100_000), bid('c', 120_000)] });
    expect(flagOf(facts, 'R028')).toMatchObject({ bidIds: ['a', 'b'], organizationIds: ['org-a', 'org-b'] });
  });
  it('does not flag prices one fen apart, or one tenderer repeating its price', () => {
    expect(indicators(process({ bids: [bid('a', 100_000), bid('b', 100_000.01)] }))).not.toContain('R028');
    expect(indicators(process({ bids: [bid('a', 100_000), bid('b', 100_000, true, 'org-a'), bid('c', 120_000)] }))).not.toContain('R028');
  });
  it('waits for the deadline (prices are sealed before)', () => {
    expect(indicators(process({ bids: [bid('a', 100_000), bid('b', 100_000)] }), undefined, CARDINAL_DEFAULTS, before)).not.toContain(
      'R028',
    );
  });
});

describe('R030 late bid won', () => {
  const late = new Date(closesAt.getTime() + 1000);
  it('flags a winning bid received after the deadline, not one received at it', () => {
    expect(indicators(process({ bids: [bid('a', 100_000, true, 'org-a', late), bid('b', 110_000)] }))).toContain('R030');
    expect(indicators(process({ bids: [bid('a', 100_000, true, 'org-a', closesAt), bid('b', 110_000)] }))).not.toContain('R030');
  });
  it('does not flag a late bid that lost', () => {
    expect(indicators(process({ bids: [bid('a', 100_000), bid('b', 110_000, true, 'org-b', late)] }))).not.toContain('R030');
  });
});

describe('R035 all except the winning bid disqualified', () => {
  it('counts the disqualified tenderers when the winner is the only valid one', () => {
    const facts = process({ bids: [bid('a', 100_000), bid('b', 90_000, false), bid('c', 95_000, false)] });
    expect(flagOf(facts, 'R035')).toMatchObject({ value: 2, threshold: 1, organizationIds: ['org-a', 'org-b', 'org-c'] });
  });
  it('does not flag when another tenderer stayed valid, or none was disqualified', () => {
    expect(indicators(process({ bids: [bid('a', 100_000), bid('b', 110_000), bid('c', 95_000, false)] }))).not.toContain('R035');
    expect(indicators(process({ bids: [bid('a', 100_000)] }))).not.toContain('R035');
  });
  it('follows a configured threshold one step either side', () => {
    const facts = process({ bids: [bid('a', 100_000), bid('b', 90_000, false), bid('c', 95_000, false)] });
    expect(indicators(facts, undefined, { ...CARDINAL_DEFAULTS, disqualifiedTenderers: 2 })).toContain('R035');
    expect(indicators(facts, undefined, { ...CARDINAL_DEFAULTS, disqualifiedTenderers: 3 })).not.toContain('R035');
  });
  it('excludes processes without an award', () => {
    expect(
      indicators(process({ status: 'UNSUCCESSFUL', awardedBidId: null, bids: [bid('a', 100_000), bid('b', 90_000, false)] })),
    ).not.toContain('R035');
  });
});

describe('R036 lowest bid disqualified', () => {
  it('flags an award where the lowest bid was disqualified', () => {
    expect(flagOf(process({ bids: [bid('a', 100_000), bid('b', 99_999.99, false), bid('c', 120_000)] }), 'R036')).toMatchObject({
      bidIds: ['b'],
    });
  });
  it('does not flag a disqualified bid that was not the lowest', () => {
    expect(indicators(process({ bids: [bid('a', 100_000), bid('b', 100_000.01, false), bid('c', 120_000)] }))).not.toContain('R036');
  });
  it('excludes processes without an award', () => {
    expect(
      indicators(process({ status: 'UNSUCCESSFUL', awardedBidId: null, bids: [bid('a', 100_000, false), bid('b', 110_000)] })),
    ).not.toContain('R036');
  });
});

describe('R024 price close to the winning bid and R058 heavily discounted bid', () => {
  const fences: DifferenceFences = { lower: 0.02, upper: 0.1, size: 10 };
  const runnerUp = (yuan: number) => process({ bids: [bid('a', 100_000), bid('b', yuan), bid('c', 200_000)] });

  it('measures the difference to the second-lowest valid bid', () => {
    expect(winningDifference(runnerUp(101_000))).toBeCloseTo(0.01);
    // A disqualified lower runner-up does not count.
    expect(winningDifference(process({ bids: [bid('a', 100_000), bid('b', 100_500, false), bid('c', 105_000)] }))).toBeCloseTo(0.05);
  });
  it('flags R024 at or below the lower fence, not one fen above', () => {
    expect(flagOf(runnerUp(102_000), 'R024', fences)).toMatchObject({ threshold: 0.02, bidIds: ['a', 'b'] });
    expect(indicators(runnerUp(102_000.01), fences)).not.toContain('R024');
  });
  it('flags R058 at or above the upper fence, not one fen below', () => {
    expect(flagOf(runnerUp(110_000), 'R058', fences)?.value).toBeCloseTo(0.1);
    expect(indicators(runnerUp(109_999.99), fences)).not.toContain('R058');
  });
  it('excludes a winner that is not the lowest valid bid (criteria not price alone)', () => {
    const rated = process({ awardedBidId: 'b', bids: [bid('a', 100_000), bid('b', 101_000), bid('c', 200_000)] });
    expect(winningDifference(rated)).toBeUndefined();
    expect(indicators(rated, { lower: 1, upper: -1, size: 10 })).toEqual([]);
  });
  it('excludes a process without a valid runner-up or without an award', () => {
    expect(winningDifference(process({ bids: [bid('a', 100_000), bid('b', 101_000, false)] }))).toBeUndefined();
    expect(winningDifference(process({ status: 'UNSUCCESSFUL', awardedBidId: null }))).toBeUndefined();
  });
  it('does not judge a population smaller than the minimum, unless a fence is configured', () => {
    expect(indicators(runnerUp(101_000), { ...fences, size: 4 })).not.toContain('R024');
    expect(indicators(runnerUp(101_000), { ...fences, size: 5 })).toContain('R024');
    expect(indicators(runnerUp(101_000), undefined, { ...CARDINAL_DEFAULTS, closePriceFence: 0.015 })).toContain('R024');
    expect(indicators(runnerUp(130_000), undefined, { ...CARDINAL_DEFAULTS, discountFence: 0.3 })).toContain('R058');
  });
});

describe('who may see a flag', () => {
  it('marks flags of decided tenders (awarded or failed) as public, not of tenders still open or cancelled', () => {
    const short = { closesAt: new Date(opensAt.getTime() + 5 * DAY) };
    expect(processFlags(process(short), undefined, CARDINAL_DEFAULTS, now)[0]!.decided).toBe(true);
    expect(
      processFlags(process({ ...short, status: 'UNSUCCESSFUL', awardedBidId: null }), undefined, CARDINAL_DEFAULTS, now)[0]!.decided,
    ).toBe(true);
    expect(processFlags(process({ ...short, status: 'ACTIVE', awardedBidId: null }), undefined, CARDINAL_DEFAULTS, now)[0]!.decided).toBe(
      false,
    );
    expect(
      processFlags(process({ ...short, status: 'CANCELLED', awardedBidId: null }), undefined, CARDINAL_DEFAULTS, now)[0]!.decided,
    ).toBe(false);
  });
});

describe('PENALISED_SUPPLIER (beyond Cardinal)', () => {
  // The winning bid was received on 2026-03-21 (01:00 UTC: the same day in Shanghai).
  const facts = () => process({ bids: [bid('a', 100_000, true, 'org-a', new Date('2026-03-21T01:00:00Z')), bid('b', 110_000)] });
  const penalty = (decidedOn: string) => ({ id: `p-${decidedOn}`, decidedOn });
  it('flags an award to a body penalised within 3 years before its bid, the first day of the window included', () => {
    expect(penalisedSupplier(facts(), [penalty('2023-03-21')], CARDINAL_DEFAULTS, 'Asia/Shanghai')).toMatchObject({
      indicator: 'PENALISED_SUPPLIER',
      value: 1,
      bidIds: ['a'],
      organizationIds: ['org-a'],
      raisedAt: awardedAt,
    });
    expect(penalisedSupplier(facts(), [penalty('2026-03-21')], CARDINAL_DEFAULTS, 'Asia/Shanghai')).toBeDefined();
  });
  it('does not flag a penalty one day older than the window, nor one decided after the bid', () => {
    expect(penalisedSupplier(facts(), [penalty('2023-03-20'), penalty('2026-03-22')], CARDINAL_DEFAULTS, 'Asia/Shanghai')).toBeUndefined();
  });
  it('follows a configured window and counts every penalty in it', () => {
    expect(penalisedSupplier(facts(), [penalty('2022-06-01')], { ...CARDINAL_DEFAULTS, penaltyYears: 5 }, 'Asia/Shanghai')?.value).toBe(1);
    expect(penalisedSupplier(facts(), [penalty('2025-01-01'), penalty('2024-01-01')], CARDINAL_DEFAULTS, 'Asia/Shanghai')?.value).toBe(2);
  });
  it('judges the bid day in the city: a bid at 23:30 UTC is the next day in Shanghai', () => {
    const late = process({ bids: [bid('a', 100_000, true, 'org-a', new Date('2026-03-20T23:30:00Z')), bid('b', 110_000)] });
    expect(penalisedSupplier(late, [penalty('2026-03-21')], CARDINAL_DEFAULTS, 'Asia/Shanghai')).toBeDefined();
    expect(penalisedSupplier(late, [penalty('2026-03-21')], CARDINAL_DEFAULTS, 'UTC')).toBeUndefined();
  });
  it('needs an award', () => {
    expect(
      penalisedSupplier(
        process({ status: 'UNSUCCESSFUL', awardedBidId: null }),
        [penalty('2026-01-01')],
        CARDINAL_DEFAULTS,
        'Asia/Shanghai',
      ),
    ).toBeUndefined();
  });
});
