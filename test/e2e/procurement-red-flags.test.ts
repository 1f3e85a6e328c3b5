import { toFen } from '../../lib/money';
import {
  EVALUATE,
  WUHOU,
  bid,
  eligible,
  ok,
  officer,
  openTender,
  orgAdmin,
  project,
} from '../../subgraphs/procurement/test/graph-support';
import { startTestGraph, type TestGraph } from '../support/graph';

/**
 * Red flags through the gateway: processes built with the real workflow raise the flags they
 * should, the public sees decided processes' flags without evidence, and the population fences
 * of R024/R058 (SQL) agree with an independent computation over every awarded tender of the year.
 */

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph({ seed: true });
});
afterAll(async () => {
  await graph?.stop();
});

const YEAR = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));

const PROJECT_FLAGS = `query ($id: ID!) { procurementProject(id: $id) { redFlags { indicator value threshold raisedAt tender { id }
  evidence { bids { id } organizations { id } } } } }`;
const OVERVIEW = `query ($within: AreaCode!, $year: Int!, $indicator: RedFlagIndicator, $first: Int, $after: String) {
  redFlags(within: $within, year: $year, indicator: $indicator, first: $first, after: $after) {
    totalCount countsByIndicator { indicator count }
    edges { cursor node { indicator value threshold raisedAt tender { id project { id } } evidence { bids { id } } } }
    pageInfo { hasNextPage endCursor } } }`;

/**
 * Moves the deadline to now: after every bid already received, so no bid reads as late (R030);
 * graph-support's closeTender puts it a second back, which a bid of the last second would pass.
 */
async function closeTender(tenderId: string): Promise<void> {
  await graph.database.query(`UPDATE procurement.tender SET opens_at = now() - interval '30 days', closes_at = now() WHERE id = $1::uuid`, [tenderId]);
}

async function flagsOf(projectId: string, token?: string) {
  const { body } = await graph.request(PROJECT_FLAGS, { variables: { id: projectId }, token });
  expect(body.errors).toBeUndefined();
  return (body.data as any).procurementProject.redFlags as any[];
}

async function evaluate(tenderId: string, scores: { bidId: string; qualified: boolean }[]) {
  return ok(graph, EVALUATE, { input: { tenderId, scores } }, await officer());
}

/** An open tender with these prices, all qualified, awarded to the lowest. */
async function awardedOpen(prices: string[]) {
  const projectId = await project(graph);
  const tenderId = await openTender(graph, projectId);
  const bids: string[] = [];
  for (const [i, org] of eligible('ELDERLY_CARE', prices.length).entries()) bids.push(await bid(graph, tenderId, org, prices[i]!));
  await closeTender(tenderId);
  await evaluate(tenderId, bids.map((bidId) => ({ bidId, qualified: true })));
  return { projectId, tenderId, bids };
}

describe('flags on one process', () => {
  it('R018: a single bid in an open tender, public once the tender is decided, evidence for officers only', async () => {
    const projectId = await project(graph);
    const tenderId = await openTender(graph, projectId);
    const [org] = eligible('ELDERLY_CARE', 1);
    const bidId = await bid(graph, tenderId, org!, '700000.00');
    expect(await flagsOf(projectId, await officer())).toEqual([]);
    await closeTender(tenderId);
    // Closed but not evaluated: officers see the flag, the public does not yet.
    expect((await flagsOf(projectId, await officer())).map((f) => f.indicator)).toEqual(['R018']);
    expect(await flagsOf(projectId)).toEqual([]);
    await evaluate(tenderId, [{ bidId, qualified: true }]);
    const [flag] = await flagsOf(projectId, await officer());
    expect(flag).toMatchObject({ indicator: 'R018', value: 1, threshold: 1, tender: { id: tenderId }, evidence: { bids: [{ id: bidId }], organizations: [{ id: org!.id }] } });
    expect(await flagsOf(projectId)).toEqual([{ ...flag, evidence: null }]);
  });

  it('R028: different tenderers at one price, and not for a clean tender', async () => {
    const clean = await awardedOpen(['700000.00', '650000.00', '720000.00']);
    expect((await flagsOf(clean.projectId, await officer())).map((f) => f.indicator)).not.toContain('R028');
    const { projectId, bids } = await awardedOpen(['700000.00', '650000.00', '700000.00']);
    const flag = (await flagsOf(projectId, await officer())).find((f) => f.indicator === 'R028');
    expect(flag.evidence.bids.map((b: { id: string }) => b.id).sort()).toEqual([bids[0], bids[2]].sort());
  });

  it('ignores a withdrawn bid: its price matching another is no R028', async () => {
    const projectId = await project(graph);
    const tenderId = await openTender(graph, projectId);
    const orgs = eligible('ELDERLY_CARE', 4);
    const bids = [];
    for (const [i, price] of ['700000.00', '650000.00', '720000.00', '700000.00'].entries()) bids.push(await bid(graph, tenderId, orgs[i]!, price));
    await ok(graph, `mutation ($input: WithdrawBidInput!) { withdrawBid(input: $input) { bid { id } } }`, { input: { bidId: bids[3] } }, await orgAdmin(orgs[3]!));
    await closeTender(tenderId);
    await evaluate(tenderId, bids.slice(0, 3).map((bidId) => ({ bidId, qualified: true })));
    expect((await flagsOf(projectId, await officer())).map((f) => f.indicator)).toEqual([]);
  });

  it('R035 and R036: an invited tender where every rival, the lowest among them, was disqualified', async () => {
    const projectId = await project(graph);
    const orgs = eligible('ELDERLY_CARE', 3);
    const tenderId = await openTender(graph, projectId, { method: 'INVITED', invitedSupplierIds: orgs.map((o) => o.id) });
    const bids = [await bid(graph, tenderId, orgs[0]!, '700000.00'), await bid(graph, tenderId, orgs[1]!, '650000.00'), await bid(graph, tenderId, orgs[2]!, '680000.00')];
    await closeTender(tenderId);
    await evaluate(tenderId, [{ bidId: bids[0]!, qualified: true }, { bidId: bids[1]!, qualified: false }, { bidId: bids[2]!, qualified: false }]);
    const flags = await flagsOf(projectId, await officer());
    expect(flags.find((f) => f.indicator === 'R035')).toMatchObject({ value: 2, threshold: 1 });
    expect(flags.find((f) => f.indicator === 'R036')?.evidence.bids).toEqual([{ id: bids[1] }]);
  });

  it('R003: an open tender whose bid period is shorter than 15 days (recorded before the 20-day rule held)', async () => {
    const projectId = await project(graph);
    const tenderId = await openTender(graph, projectId);
    await graph.database.query(`UPDATE procurement.tender SET closes_at = opens_at + interval '14 days 23 hours' WHERE id = $1::uuid`, [tenderId]);
    expect((await flagsOf(projectId, await officer())).find((f) => f.indicator === 'R003')).toMatchObject({ value: 1, threshold: 15 });
    await graph.database.query(`UPDATE procurement.tender SET closes_at = opens_at + interval '15 days' WHERE id = $1::uuid`, [tenderId]);
    expect((await flagsOf(projectId, await officer())).map((f) => f.indicator)).not.toContain('R003');
  });
});

describe('R024 and R058 over the population, and the overview', () => {
  /** Type-7 quantile (linear interpolation), as PostgreSQL's percentile_cont computes it. */
  const quantile = (sorted: number[], p: number) => {
    const h = (sorted.length - 1) * p;
    const low = Math.floor(h);
    return sorted[low]! + (h - low) * ((sorted[Math.min(low + 1, sorted.length - 1)] ?? sorted[low]!) - sorted[low]!);
  };

  it('flags the processes outside the fences that an independent computation over the awarded tenders finds', async () => {
    // A tight population (ten runner-ups 10 % above the winner) and two outliers: 0.01 % and 200 %.
    const tight = Array.from({ length: 10 }, () => ['500000.00', '550000.00']);
    for (const prices of [...tight, ['600000.00', '600060.00'], ['200000.00', '600000.00']]) {
      await awardedOpen([...prices, '790000.00']);
    }
    // The runner-up is the lowest *valid* losing bid: a disqualified bid 1 fen above the winner does not count.
    const projectId = await project(graph);
    const tenderId = await openTender(graph, projectId);
    const bidIds = [];
    for (const [i, org] of eligible('ELDERLY_CARE', 4).entries()) bidIds.push(await bid(graph, tenderId, org, ['500000.00', '500000.01', '550000.00', '560000.00'][i]!));
    await closeTender(tenderId);
    await evaluate(tenderId, bidIds.map((bidId, i) => ({ bidId, qualified: i !== 1 })));
    const token = await officer();
    // Open tenders' prices are sealed (FORBIDDEN on those fields): they are not awarded, so not in the population.
    const { body } = await graph.request(
      `query ($within: AreaCode!) { procurementProjects(within: $within, first: 100) {
        pageInfo { hasNextPage } edges { node { areaCode tenders { id status closesAt award { bid { id } }
        bids { id withdrawn qualified price { amount } } } } } } }`,
      { variables: { within: WUHOU }, token },
    );
    expect((body.errors ?? []).every((e) => e.extensions?.code === 'FORBIDDEN' && /sealed/.test(e.message))).toBe(true);
    const projects = body.data as any;
    expect(projects.procurementProjects.pageInfo.hasNextPage).toBe(false);
    const differences = new Map<string, number>();
    for (const { node } of projects.procurementProjects.edges) {
      if (node.areaCode !== WUHOU) continue;
      for (const tender of node.tenders) {
        const year = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date(tender.closesAt)));
        if (tender.status !== 'AWARDED' || year !== YEAR) continue;
        const valid = tender.bids.filter((b: any) => !b.withdrawn && b.qualified === true).map((b: any) => ({ id: b.id, fen: toFen(b.price.amount) }));
        const winner = valid.find((b: any) => b.id === tender.award.bid.id);
        if (!winner || valid.some((b: any) => b.fen < winner.fen)) continue;
        const others = valid.filter((b: any) => b.id !== winner.id).map((b: any) => b.fen);
        if (others.length === 0) continue;
        const second = others.reduce((a: bigint, b: bigint) => (b < a ? b : a));
        differences.set(tender.id, Number(second - winner.fen) / Number(winner.fen));
      }
    }
    const sorted = [...differences.values()].sort((a, b) => a - b);
    expect(sorted.length).toBeGreaterThanOrEqual(5);
    const q1 = quantile(sorted, 0.25);
    const q3 = quantile(sorted, 0.75);
    const lower = q1 - 1.5 * (q3 - q1);
    const upper = q3 + 1.5 * (q3 - q1);
    const expected = (test: (d: number) => boolean) => [...differences].filter(([, d]) => test(d)).map(([id]) => id).sort();
    const expectedR024 = expected((d) => d <= lower);
    const expectedR058 = expected((d) => d >= upper);
    // The designed outliers are among them, so the comparison below is not vacuous.
    expect(expectedR024.length).toBeGreaterThan(0);
    expect(expectedR058.length).toBeGreaterThan(0);

    const overview = async (indicator: string) => {
      const ids: string[] = [];
      let after: string | null = null;
      do {
        const data: any = await ok(graph, OVERVIEW, { within: WUHOU, year: YEAR, indicator, first: 2, after }, token);
        for (const edge of data.redFlags.edges) {
          ids.push(edge.node.tender.id);
          const fence = indicator === 'R024' ? lower : upper;
          expect(edge.node.threshold).toBeCloseTo(fence, 9);
          expect(edge.node.value).toBeCloseTo(differences.get(edge.node.tender.id)!, 9);
        }
        after = data.redFlags.pageInfo.hasNextPage ? data.redFlags.pageInfo.endCursor : null;
      } while (after);
      return ids.sort();
    };
    expect(await overview('R024')).toEqual(expectedR024);
    expect(await overview('R058')).toEqual(expectedR058);
  });

  it('counts every indicator over the whole scope, pages newest first, and hides undecided processes and evidence from the public', async () => {
    const token = await officer();
    const projectId = await project(graph);
    const tenderId = await openTender(graph, projectId);
    await graph.database.query(`UPDATE procurement.tender SET closes_at = opens_at + interval '10 days' WHERE id = $1::uuid`, [tenderId]);
    const all: any = await ok(graph, OVERVIEW, { within: WUHOU, year: YEAR, first: 100 }, token);
    const counts = Object.fromEntries(all.redFlags.countsByIndicator.map((c: any) => [c.indicator, c.count]));
    const byIndicator: Record<string, number> = {};
    for (const { node } of all.redFlags.edges) byIndicator[node.indicator] = (byIndicator[node.indicator] ?? 0) + 1;
    expect(all.redFlags.pageInfo.hasNextPage).toBe(false);
    for (const indicator of Object.keys(counts)) expect(counts[indicator]).toBe(byIndicator[indicator] ?? 0);
    expect(all.redFlags.totalCount).toBe(all.redFlags.edges.length);
    const times = all.redFlags.edges.map((e: any) => e.node.raisedAt);
    expect(times).toEqual([...times].sort().reverse());

    const { body } = await graph.request(OVERVIEW, { variables: { within: WUHOU, year: YEAR, first: 100 } });
    expect(body.errors).toBeUndefined();
    const publicFlags = (body.data as any).redFlags.edges.map((e: any) => e.node);
    expect(publicFlags.every((f: any) => f.evidence === null)).toBe(true);
    // The R003 tender is still open: officers see its flag, the public does not.
    expect(byIndicator.R003).toBeGreaterThan(0);
    expect(publicFlags.some((f: any) => f.indicator === 'R003')).toBe(false);
    expect(publicFlags.length).toBeLessThan(all.redFlags.edges.length);
  });

  it('refuses a year out of range and a cursor of another list with the field named', async () => {
    const { body } = await graph.request(OVERVIEW, { variables: { within: WUHOU, year: 1999 } });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'year' });
    const { body: cursor } = await graph.request(OVERVIEW, { variables: { within: WUHOU, year: YEAR, after: 'bm9wZQ' } });
    expect(cursor.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

