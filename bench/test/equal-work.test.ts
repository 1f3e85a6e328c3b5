import { signToken } from '../../lib/kernel/auth';
import { seedScale } from '../../seed/scale';
import { loadSubgraphs } from '../../scripts/subgraph-code';
import { startTestGraph, type TestGraph } from '../../test/support/graph';
import { TEST_SECRET } from '../../test/support/tokens';
import { checkEqualWork, type EqualWork } from '../equal-work';
import { createBenchClient, dataOf, post } from '../http';
import { loadScenarios } from '../scenario-set';
import type { Scenario } from '../scenarios/types';

// Every read of the benchmark, at 1× on this project's database: gateway, subgraph target and
// SQL floor answer the same rows for the same parameters, or the benchmark's ratios compare
// different work.
describe('the benchmark compares equal work', () => {
  let graph: TestGraph;
  let scenarios: Scenario[];
  const client = createBenchClient();

  beforeAll(async () => {
    graph = await startTestGraph();
    await seedScale(graph.database, await loadSubgraphs(), 1);
    scenarios = await loadScenarios({
      signToken: (claims) => signToken(TEST_SECRET, claims),
      query: (sql, params) => graph.database.query(sql, params),
      peer: async (name, request) => dataOf(await post(client, graph.subgraphUrls[name]!, request)),
    });
  });
  afterAll(async () => {
    client.close();
    await graph?.stop();
  });

  test('every read answers the same rows through the gateway, its subgraph and its SQL floor', async () => {
    const reads = scenarios.filter((s) => s.subgraph);
    expect(reads.length).toBeGreaterThanOrEqual(11);
    const checks: EqualWork[] = [];
    // Three parameter sets each: the first requests of a run, as the benchmark's check sends them.
    for (const scenario of reads) for (let i = 0; i < 3; i++) checks.push(await checkEqualWork(client, graph, scenario, i));
    expect(checks.filter((c) => c.mismatch).map((c) => `${c.scenario}: ${c.mismatch}`)).toEqual([]);
    // Each read compared rows, and every floor the scenarios have took part.
    expect(checks.filter((c) => c.rows === 0).map((c) => c.scenario)).toEqual([]);
    expect(checks.filter((c) => c.targets.includes('sql')).length).toBe(3 * reads.filter((s) => s.sql).length);
    expect(reads.filter((s) => s.sql).length).toBeGreaterThanOrEqual(9);
    // The pages asked for are full.
    expect(checks.filter((c) => c.scenario.startsWith('communities-page-50')).map((c) => c.rows)).toEqual([50, 50, 50, 50, 50, 50]);
  });

  test('the 50-pages are full: every scope they ask for holds 50 communities or more after the page start', () => {
    const page = scenarios.find((s) => s.name === 'communities-page-50')!;
    expect(page.facts!.fullPageScopes).toBeGreaterThan(0);
    expect(page.facts!.fullPageScopes).toBeLessThan(page.facts!.scopes!);
    // Each full scope's pages start anywhere that leaves 50 after: many different pages, not one per scope.
    expect(page.facts!.pages).toBeGreaterThan(10 * page.facts!.fullPageScopes!);
  });
});
