import { CARDINAL_PARTY_DEFAULTS, partyFlags, type PartyFences, type PartyRecord } from '../src/red-flags/parties';

/** R025, R038 and R048 one step either side of their fences and minimums. */

const fences: PartyFences = { topTenderer: 4, winRatio: 0.2, tendererDisqualified: 0.5, buyerDisqualified: 0.4, variety: 3 };
const record = (overrides: Partial<PartyRecord> = {}): PartyRecord => ({
  organizationId: 'o1',
  submitted: 0,
  valid: 0,
  disqualified: 0,
  won: 0,
  variety: 0,
  processes: 0,
  received: 0,
  receivedDisqualified: 0,
  ...overrides,
});
const flags = (r: PartyRecord, f = fences, t = CARDINAL_PARTY_DEFAULTS) =>
  partyFlags(r, f, t, 2026).map((flag) => `${flag.indicator}:${flag.role}`);

describe('R025 excessive unsuccessful bids', () => {
  it('flags a top tenderer whose win ratio is at or below the lower fence', () => {
    expect(partyFlags(record({ submitted: 5, valid: 5, won: 1 }), fences, CARDINAL_PARTY_DEFAULTS, 2026)).toEqual([
      { organizationId: 'o1', year: 2026, indicator: 'R025', role: 'TENDERER', value: 0.2, threshold: 0.2, basis: 5 },
    ]);
  });
  it('does not flag a ratio one step above the fence, nor a tenderer one bid short of the top', () => {
    expect(flags(record({ submitted: 4, valid: 4, won: 1 }))).not.toContain('R025:TENDERER'); // 0.25 > 0.2
    expect(flags(record({ submitted: 3, valid: 3, won: 0 }))).not.toContain('R025:TENDERER'); // 3 valid < 4
    expect(flags(record({ submitted: 4, valid: 4, won: 0 }))).toContain('R025:TENDERER');
  });
  it('never flags a tenderer that lost nothing, even where the fence is 1', () => {
    expect(flags(record({ submitted: 5, valid: 5, won: 5 }), { ...fences, winRatio: 1 })).not.toContain('R025:TENDERER');
  });
});

describe('R038 excessive disqualified bids', () => {
  it('flags a tenderer at the fence with the minimum of 2 bids, not one step below either', () => {
    expect(flags(record({ submitted: 2, disqualified: 1 }))).toContain('R038:TENDERER');
    expect(flags(record({ submitted: 1, disqualified: 1 }))).not.toContain('R038:TENDERER');
    expect(flags(record({ submitted: 3, disqualified: 1 }))).not.toContain('R038:TENDERER');
  });
  it('flags a buyer at the fence with 2 tenders, not with 1', () => {
    expect(flags(record({ processes: 2, received: 5, receivedDisqualified: 2 }))).toContain('R038:BUYER');
    expect(flags(record({ processes: 1, received: 5, receivedDisqualified: 2 }))).not.toContain('R038:BUYER');
    expect(flags(record({ processes: 2, received: 6, receivedDisqualified: 2 }))).not.toContain('R038:BUYER');
  });
  it('follows configured minimums', () => {
    expect(flags(record({ submitted: 1, disqualified: 1 }), fences, { minimumSubmittedBids: 1, minimumProcesses: 2 })).toContain(
      'R038:TENDERER',
    );
    expect(
      flags(record({ processes: 2, received: 5, receivedDisqualified: 2 }), fences, { minimumSubmittedBids: 2, minimumProcesses: 3 }),
    ).not.toContain('R038:BUYER');
  });
  it('never flags a party without a disqualified bid, even where the fence is 0', () => {
    expect(flags(record({ submitted: 4 }), { ...fences, tendererDisqualified: 0 })).not.toContain('R038:TENDERER');
    expect(flags(record({ processes: 3, received: 9 }), { ...fences, buyerDisqualified: 0 })).not.toContain('R038:BUYER');
  });
});

describe('R048 heterogeneous supplier', () => {
  it('flags a variety at the fence, not one below', () => {
    expect(flags(record({ won: 3, variety: 3 }))).toContain('R048:TENDERER');
    expect(flags(record({ won: 3, variety: 2 }))).not.toContain('R048:TENDERER');
  });
  it('never flags a single category, even where the fence is 1', () => {
    expect(flags(record({ won: 2, variety: 1 }), { ...fences, variety: 1 })).not.toContain('R048:TENDERER');
  });
});

it('judges nothing against an empty population', () => {
  const none: PartyFences = { topTenderer: null, winRatio: null, tendererDisqualified: null, buyerDisqualified: null, variety: null };
  expect(
    flags(
      record({ submitted: 9, valid: 9, disqualified: 9, won: 0, variety: 9, processes: 9, received: 9, receivedDisqualified: 9 }),
      none,
    ),
  ).toEqual([]);
});
