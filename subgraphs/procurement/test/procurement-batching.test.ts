import { startTestGraph, type TestGraph } from '../../../test/support/graph';
import { tokenFor } from '../../../test/support/tokens';

/** A page of organisations with their contracts and bids costs the same statements whatever its size. */

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph({ seed: true });
});
afterAll(async () => {
  await graph?.stop();
});

const query = `query ($n: Int) { organizations(first: $n, filter: { kind: SOCIAL_SERVICE_AGENCY }) { edges { node { id
  contracts(first: 3) { totalCount edges { node { id endsOn } } }
  contractPerformance { grade } } } } }`;

async function statementsFor(n: number): Promise<{ count: number; contracts: number }> {
  graph.statements.length = 0;
  const { body } = await graph.request(query, { variables: { n } });
  expect(body.errors).toBeUndefined();
  const contracts = body.data!.organizations.edges.reduce((sum: number, e: any) => sum + e.node.contracts.totalCount, 0);
  return { count: graph.statements.length, contracts };
}

test('Organization.contracts is one windowed statement and one grouped count for the whole page', async () => {
  const small = await statementsFor(20);
  const large = await statementsFor(100);
  // Both pages hold contracts, so neither skips a statement for lack of rows.
  expect(small.contracts).toBeGreaterThan(0);
  expect(large.contracts).toBeGreaterThan(small.contracts);
  expect(large.count).toBe(small.count);
});

test('each organisation gets its own page of contracts, ordered by end date, with its own total', async () => {
  const { body } = await graph.request(query, { variables: { n: 100 } });
  const withContracts = body.data!.organizations.edges.map((e: any) => e.node).filter((o: any) => o.contracts.totalCount > 0);
  expect(withContracts.length).toBeGreaterThan(1);
  for (const organization of withContracts) {
    const own = await graph.request(
      'query ($id: ID!) { organization(id: $id) { contracts(first: 100) { edges { node { id endsOn supplier { id } } } } } }',
      {
        variables: { id: organization.id },
      },
    );
    const all = own.body.data!.organization.contracts.edges.map((e: any) => e.node);
    expect(all.every((c: any) => c.supplier.id === organization.id)).toBe(true);
    expect(all).toHaveLength(organization.contracts.totalCount);
    expect(organization.contracts.edges.map((e: any) => e.node.id)).toEqual(all.slice(0, 3).map((c: any) => c.id));
    const ends = all.map((c: any) => c.endsOn);
    expect(ends).toEqual([...ends].sort());
  }
});

test("an organisation's bids are batched too, and only its own admin sees them", async () => {
  const page = await graph.request('{ organizations(first: 100) { edges { node { id } } } }');
  const ids: string[] = page.body.data!.organizations.edges.map((e: any) => e.node.id);
  let found = 0;
  for (const id of ids.slice(0, 40)) {
    const token = await tokenFor({ roles: ['ORG_ADMIN'], area: '510100000000', org: id });
    const { body } = await graph.request(
      'query ($id: ID!) { organization(id: $id) { bids(first: 5) { totalCount edges { node { id } } } } }',
      { variables: { id }, token },
    );
    expect(body.errors).toBeUndefined();
    found += body.data!.organization.bids.totalCount;
    expect(body.data!.organization.bids.edges.length).toBe(Math.min(5, body.data!.organization.bids.totalCount));
  }
  expect(found).toBeGreaterThan(0);
  const stranger = await graph.request('query ($id: ID!) { organization(id: $id) { bids(first: 5) { totalCount } } }', {
    variables: { id: ids[0] },
  });
  expect(stranger.body.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|UNAUTHENTICATED/);
});
