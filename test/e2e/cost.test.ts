import { startTestGraph, type TestGraph } from '../support/graph';
import { tokenFor } from '../support/tokens';

/**
 * Every list priced by its @listSize (issue 19): the probe's nested query that stalled the
 * gateway is refused before it runs, and a refused query costs its caller a small fixed charge,
 * not its estimate, so it cannot lock out everyone behind the caller's address.
 */

// Anonymous callers get 100 points; a cheap query costs 2 (the field and its leaf).
const LIMITS = { RATE_LIMIT_POINTS: '100000', RATE_LIMIT_ANONYMOUS_POINTS: '100', RATE_LIMIT_WINDOW: '60s' };
const CHEAP = '{ community(code: "510108001001") { name } }';

// The probe's repro: plain lists (tenders, bids) nested through Bid.tender to the depth limit.
const NESTED = 'tenders { bids { tender { bids { tender { bids { tender { bids { id } } } } } } } }';
const REPRO = `procurementProjects(within: "510100000000", first: 100) { edges { node { ${NESTED} } } }`;

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph({ config: LIMITS, seed: true });
});
afterAll(async () => {
  await graph?.stop();
});

test("the probe's nested bids query is refused as QUERY_TOO_COSTLY for a city administrator, alone and as 18 aliases", async () => {
  const token = await tokenFor({ sub: 'city-admin-cost', roles: ['CITY_ADMIN'], area: '510100000000' });
  for (const query of [`{ ${REPRO} }`, `{ ${Array.from({ length: 18 }, (_, i) => `a${i}: ${REPRO}`).join(' ')} }`]) {
    const response = await graph.request(query, { token });
    expect(response.status).toBe(400);
    expect(response.body.data).toBeUndefined();
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', maxCost: 20000 });
  }
  // One tender's bids, a page of projects deep, still fits.
  const modest = await graph.request(
    '{ procurementProjects(within: "510100000000", first: 5) { edges { node { tenders { bids { id } } } } } }',
    { token },
  );
  expect(modest.body.errors).toBeUndefined();
});

test('refused anonymous queries are charged 10 points each, not their estimate: the address keeps its budget', async () => {
  // Priced over the limit by every estimator, old and new: 1 + 100 × (2 + 1 + 100 × 3).
  const tooCostly = '{ areas(first: 100) { edges { node { children(first: 100) { edges { node { code } } } } } } }';
  for (const query of [tooCostly, tooCostly, tooCostly])
    expect((await graph.request(query)).body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
  // Refused while validating (13 levels deep) costs the same fixed 10 points.
  const deep = `{ __type(name: "Query") { fields { type { ${'ofType { '.repeat(9)}name${' }'.repeat(9)} } } } }`;
  expect((await graph.request(deep)).body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
  // 100 points less 4 × 10 for the refusals: 30 cheap queries of 2 points, then 429.
  const statuses: number[] = [];
  for (let i = 0; i < 31; i++) statuses.push((await graph.request(CHEAP)).status);
  expect(statuses.slice(0, 30)).toEqual(Array(30).fill(200));
  expect(statuses[30]).toBe(429);
});
