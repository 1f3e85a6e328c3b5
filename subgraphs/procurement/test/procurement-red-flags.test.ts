import { toFen } from '../../../lib/kernel/money';
import { EVALUATE, JINJIANG, WUHOU, bid, eligible, ok, officer, openTender, orgAdmin, project, versionOf } from './graph-support';
import { startTestGraph, type TestGraph } from '../../../test/support/graph';
import { tokenFor } from '../../../test/support/tokens';

/**
 * Red flags through the gateway: processes built with the real workflow raise the flags they
 * should, the public sees decided processes' flags without evidence, and the population fences
 * of R024/R058 (SQL) agree with an independent computation over every awarded tender of the year.
 */

let graph: TestGraph;
beforeAll(async () => {
  // The independent computations read every tender with its bids in pages of 100 projects: a cost
  // the default limit refuses (it is what a portal should never ask), so this graph allows it.
  graph = await startTestGraph({ seed: true, config: { MAX_QUERY_COST: '5000000' } });
});
afterAll(async () => {
  await graph?.stop();
});

const CARDINAL_PROCESS_INDICATORS = ['R003', 'R018', 'R024', 'R028', 'R030', 'R035', 'R036', 'R058'];

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
  await graph.database.query(`UPDATE procurement.tender SET opens_at = now() - interval '30 days', closes_at = now() WHERE id = $1::uuid`, [
    tenderId,
  ]);
}

async function flagsOf(projectId: string, token?: string) {
  const { body } = await graph.request(PROJECT_FLAGS, { variables: { id: projectId }, token });
  expect(body.errors).toBeUndefined();
  return (body.data as any).procurementProject.redFlags as any[];
}

async function evaluate(tenderId: string, scores: { bidId: string; qualified: boolean }[]) {
  return ok(graph, EVALUATE, { input: { tenderId, expectedVersion: await versionOf(graph, 'tender', tenderId), scores } }, await officer());
}

/** An open tender with these prices, all qualified, awarded to the lowest. */
async function awardedOpen(prices: string[]) {
  const projectId = await project(graph);
  const tenderId = await openTender(graph, projectId);
  const bids: string[] = [];
  for (const [i, org] of eligible('ELDERLY_CARE', prices.length).entries()) bids.push(await bid(graph, tenderId, org, prices[i]!));
  await closeTender(tenderId);
  await evaluate(
    tenderId,
    bids.map((bidId) => ({ bidId, qualified: true })),
  );
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
    expect(flag).toMatchObject({
      indicator: 'R018',
      value: 1,
      threshold: 1,
      tender: { id: tenderId },
      evidence: { bids: [{ id: bidId }], organizations: [{ id: org!.id }] },
    });
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
    for (const [i, price] of ['700000.00', '650000.00', '720000.00', '700000.00'].entries())
      bids.push(await bid(graph, tenderId, orgs[i]!, price));
    await ok(
      graph,
      `mutation ($input: WithdrawBidInput!) { withdrawBid(input: $input) { bid { id } } }`,
      { input: { bidId: bids[3] } },
      await orgAdmin(orgs[3]!),
    );
    await closeTender(tenderId);
    await evaluate(
      tenderId,
      bids.slice(0, 3).map((bidId) => ({ bidId, qualified: true })),
    );
    // The bureau's year of awards in this file concentrates on a few suppliers: that flag is not this process's own.
    const own = (await flagsOf(projectId, await officer())).filter((f) => f.indicator !== 'SUPPLIER_CONCENTRATION');
    expect(own.map((f) => f.indicator)).toEqual([]);
  });

  it('R035 and R036: an invited tender where every rival, the lowest among them, was disqualified', async () => {
    const projectId = await project(graph);
    const orgs = eligible('ELDERLY_CARE', 3);
    const tenderId = await openTender(graph, projectId, { method: 'INVITED', invitedSupplierIds: orgs.map((o) => o.id) });
    const bids = [
      await bid(graph, tenderId, orgs[0]!, '700000.00'),
      await bid(graph, tenderId, orgs[1]!, '650000.00'),
      await bid(graph, tenderId, orgs[2]!, '680000.00'),
    ];
    await closeTender(tenderId);
    await evaluate(tenderId, [
      { bidId: bids[0]!, qualified: true },
      { bidId: bids[1]!, qualified: false },
      { bidId: bids[2]!, qualified: false },
    ]);
    const flags = await flagsOf(projectId, await officer());
    expect(flags.find((f) => f.indicator === 'R035')).toMatchObject({ value: 2, threshold: 1 });
    expect(flags.find((f) => f.indicator === 'R036')?.evidence.bids).toEqual([{ id: bids[1] }]);
  });

  it('R003: an open tender whose bid period is shorter than 15 days (recorded before the 20-day rule held)', async () => {
    const projectId = await project(graph);
    const tenderId = await openTender(graph, projectId);
    await graph.database.query(`UPDATE procurement.tender SET closes_at = opens_at + interval '14 days 23 hours' WHERE id = $1::uuid`, [
      tenderId,
    ]);
    expect((await flagsOf(projectId, await officer())).find((f) => f.indicator === 'R003')).toMatchObject({ value: 1, threshold: 15 });
    await graph.database.query(`UPDATE procurement.tender SET closes_at = opens_at + interval '15 days' WHERE id = $1::uuid`, [tenderId]);
    expect((await flagsOf(projectId, await officer())).map((f) => f.indicator)).not.toContain('R003');
  });
});

describe('SIMILAR_BIDDERS: the registry read through the graph', () => {
  it('flags tenderers sharing a legal representative at the deadline, evidence for officers only, public once decided', async () => {
    const orgs = eligible('ELDERLY_CARE', 3);
    const setRepresentative = (id: string, name: string | null) =>
      graph.database.query(`UPDATE organizations.organization SET legal_representative = $2 WHERE id = $1::uuid`, [id, name]);
    const [before] = await graph.database.query<{ a: string | null; c: string | null }>(
      `SELECT (SELECT legal_representative FROM organizations.organization WHERE id = $1::uuid) AS a,
              (SELECT legal_representative FROM organizations.organization WHERE id = $2::uuid) AS c`,
      [orgs[0]!.id, orgs[2]!.id],
    );
    try {
      await setRepresentative(orgs[0]!.id, '测试代表人');
      await setRepresentative(orgs[2]!.id, '测试 代表人');
      const projectId = await project(graph);
      const tenderId = await openTender(graph, projectId);
      const bids = [];
      for (const [i, org] of orgs.entries()) bids.push(await bid(graph, tenderId, org, ['700000.00', '650000.00', '720000.00'][i]!));
      // Sealed until the deadline: nothing to compare yet.
      expect((await flagsOf(projectId, await officer())).map((f) => f.indicator)).not.toContain('SIMILAR_BIDDERS');
      await closeTender(tenderId);
      const similar = (flags: any[]) => flags.find((f) => f.indicator === 'SIMILAR_BIDDERS');
      expect(similar(await flagsOf(projectId, await officer()))).toMatchObject({
        value: 2,
        threshold: 2,
        evidence: { bids: [{ id: bids[0] }, { id: bids[2] }], organizations: [{ id: orgs[0]!.id }, { id: orgs[2]!.id }] },
      });
      expect(similar(await flagsOf(projectId))).toBeUndefined();
      await evaluate(
        tenderId,
        bids.map((bidId) => ({ bidId, qualified: true })),
      );
      expect(similar(await flagsOf(projectId))).toMatchObject({ value: 2, evidence: null });
      expect(similar(await flagsOf(projectId, await officer(JINJIANG)))).toMatchObject({ evidence: null });
      // A different representative: no flag.
      await setRepresentative(orgs[2]!.id, '另一代表人');
      expect(similar(await flagsOf(projectId, await officer()))).toBeUndefined();
    } finally {
      await setRepresentative(orgs[0]!.id, before!.a);
      await setRepresentative(orgs[2]!.id, before!.c);
    }
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
    for (const [i, org] of eligible('ELDERLY_CARE', 4).entries())
      bidIds.push(await bid(graph, tenderId, org, ['500000.00', '500000.01', '550000.00', '560000.00'][i]!));
    await closeTender(tenderId);
    await evaluate(
      tenderId,
      bidIds.map((bidId, i) => ({ bidId, qualified: i !== 1 })),
    );
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
        const year = Number(
          new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date(tender.closesAt)),
        );
        if (tender.status !== 'AWARDED' || year !== YEAR) continue;
        const valid = tender.bids
          .filter((b: any) => !b.withdrawn && b.qualified === true)
          .map((b: any) => ({ id: b.id, fen: toFen(b.price.amount) }));
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
    const expected = (test: (d: number) => boolean) =>
      [...differences]
        .filter(([, d]) => test(d))
        .map(([id]) => id)
        .sort();
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

describe('buyer and supplier flags (R025, R038, R048)', () => {
  const CITIES = ['510100000000', '110100000000'];
  const quantile = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    const h = (sorted.length - 1) * p;
    const low = Math.floor(h);
    return sorted[low]! + (h - low) * ((sorted[Math.min(low + 1, sorted.length - 1)] ?? sorted[low]!) - sorted[low]!);
  };
  const fence = (values: number[], side: 'low' | 'high') => {
    if (values.length === 0) return null;
    const q1 = quantile(values, 0.25);
    const q3 = quantile(values, 0.75);
    return side === 'low' ? q1 - 1.5 * (q3 - q1) : q3 + 1.5 * (q3 - q1);
  };

  it('agree with an independent computation over every decided tender of the year', async () => {
    // A tenderer whose bids are disqualified twice, so the year's population has an outlier.
    const orgs = eligible('ELDERLY_CARE', 3);
    for (let i = 0; i < 2; i++) {
      const projectId = await project(graph);
      const tenderId = await openTender(graph, projectId, { method: 'INVITED', invitedSupplierIds: orgs.map((o) => o.id) });
      const bids = [
        await bid(graph, tenderId, orgs[0]!, '700000.00'),
        await bid(graph, tenderId, orgs[1]!, '650000.00'),
        await bid(graph, tenderId, orgs[2]!, '690000.00'),
      ];
      await closeTender(tenderId);
      await evaluate(
        tenderId,
        bids.map((bidId, b) => ({ bidId, qualified: b !== 1 })),
      );
    }
    // The population is the whole graph's year: the demo city's projects and the other city's.
    type Tender = {
      id: string;
      status: string;
      closesAt: string;
      award: { bid: { id: string } } | null;
      bids: { id: string; withdrawn: boolean; qualified: boolean | null; bidder: { id: string } }[];
    };
    const tenders: (Tender & { purchaser: string; category: string })[] = [];
    for (const city of CITIES) {
      const token = await tokenFor({ roles: ['PROCUREMENT_OFFICER'], area: city });
      let after: string | null = null;
      do {
        const { body }: { body: { errors?: unknown; data?: any } } = await graph.request(
          `query ($after: String) { procurementProjects(within: "${city}", first: 100, after: $after) { pageInfo { hasNextPage endCursor }
            edges { node { category purchaser { id } tenders { id status closesAt award { bid { id } } bids { id withdrawn qualified bidder { id } } } } } } }`,
          { variables: { after }, token },
        );
        expect(body.errors).toBeUndefined();
        const page: any = body.data.procurementProjects;
        for (const { node } of page.edges)
          for (const tender of node.tenders) tenders.push({ ...tender, purchaser: node.purchaser.id, category: node.category });
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
    }

    const inYear = (t: Tender) =>
      Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date(t.closesAt))) === YEAR;
    const decided = tenders.filter((t) => ['AWARDED', 'UNSUCCESSFUL'].includes(t.status) && inYear(t));
    const tenderers = new Map<string, { submitted: number; valid: number; disqualified: number; won: number; categories: Set<string> }>();
    const buyers = new Map<string, { processes: number; received: number; disqualified: number }>();
    for (const t of decided) {
      const buyer = buyers.get(t.purchaser) ?? { processes: 0, received: 0, disqualified: 0 };
      buyer.processes++;
      for (const b of t.bids.filter((x) => !x.withdrawn)) {
        const r = tenderers.get(b.bidder.id) ?? { submitted: 0, valid: 0, disqualified: 0, won: 0, categories: new Set<string>() };
        r.submitted++;
        if (b.qualified === true) r.valid++;
        if (b.qualified === false) {
          r.disqualified++;
          buyer.disqualified++;
        }
        if (t.award?.bid.id === b.id) {
          r.won++;
          r.categories.add(t.category);
        }
        buyer.received++;
        tenderers.set(b.bidder.id, r);
      }
      buyers.set(t.purchaser, buyer);
    }
    const all = [...tenderers.values()];
    const topTenderer = all.some((r) => r.valid > 0)
      ? quantile(
          all.filter((r) => r.valid > 0).map((r) => r.valid),
          0.75,
        )
      : null;
    const winRatio = fence(
      all.filter((r) => r.valid > 0).map((r) => r.won / r.valid),
      'low',
    );
    const tendererFence = fence(
      all.filter((r) => r.submitted >= 2).map((r) => r.disqualified / r.submitted),
      'high',
    );
    const buyerFence = fence(
      [...buyers.values()].filter((b) => b.processes >= 2 && b.received > 0).map((b) => b.disqualified / b.received),
      'high',
    );
    const varietyFence = fence(
      all.filter((r) => r.won > 0).map((r) => r.categories.size),
      'high',
    );
    const expected = new Map<string, string[]>();
    const add = (id: string, flag: string) => expected.set(id, [...(expected.get(id) ?? []), flag]);
    for (const [id, r] of tenderers) {
      if (r.valid > 0 && r.valid >= topTenderer! && r.won / r.valid < 1 && r.won / r.valid <= winRatio!) add(id, 'R025:TENDERER');
      if (r.submitted >= 2 && r.disqualified > 0 && r.disqualified / r.submitted >= tendererFence!) add(id, 'R038:TENDERER');
      if (r.categories.size > 1 && r.categories.size >= varietyFence!) add(id, 'R048:TENDERER');
    }
    for (const [id, b] of buyers)
      if (b.processes >= 2 && b.disqualified > 0 && b.disqualified / b.received >= buyerFence!) add(id, 'R038:BUYER');
    expect(expected.get(orgs[1]!.id)).toContain('R038:TENDERER');

    // Every organisation of the registry, through the gateway (the field is on the registry's type).
    const seen = new Map<string, string[]>();
    let cursor: string | null = null;
    do {
      const response: { body: { errors?: unknown; data?: any } } = await graph.request(
        `query ($after: String, $year: Int!) { organizations(first: 100, after: $after) { pageInfo { hasNextPage endCursor }
          edges { node { id procurementRedFlags(year: $year) { indicator role value threshold basis } } } } }`,
        { variables: { after: cursor, year: YEAR } },
      );
      expect(response.body.errors).toBeUndefined();
      const page = response.body.data.organizations;
      for (const { node } of page.edges) {
        const list = node.procurementRedFlags.map((f: any) => `${f.indicator}:${f.role}`);
        if (list.length > 0) seen.set(node.id, list.sort());
      }
      cursor = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (cursor);
    expect(Object.fromEntries(seen)).toEqual(Object.fromEntries([...expected].map(([id, list]) => [id, list.sort()])));
  });
});

describe('the published data is enough to recompute the flags', () => {
  /**
   * Cardinal's process indicators computed from an OCDS package alone (a small independent
   * implementation: tender period, bids extension, awards), for each tender of the package.
   */
  function fromOcds(pkg: any, now: number): Map<string, string[]> {
    const flags = new Map<string, string[]>();
    const awards = new Map<string, any>();
    for (const release of pkg.releases) for (const award of release.awards ?? []) if (award.relatedBid) awards.set(award.id, award);
    for (const release of pkg.releases) {
      const tender = release.tender;
      if (!tender?.tenderPeriod) continue;
      const raised: string[] = [];
      const end = Date.parse(tender.tenderPeriod.endDate);
      const days = (end - Date.parse(tender.tenderPeriod.startDate)) / 86_400_000;
      const bids: any[] = release.bids?.details ?? [];
      const tenderer = (b: any) => b.tenderers[0].id;
      if (tender.procurementMethod === 'open' && days < 15) raised.push('R003');
      if (now >= end && ['open', 'selective'].includes(tender.procurementMethod) && new Set(bids.map(tenderer)).size === 1)
        raised.push('R018');
      const byAmount = new Map<number, Set<string>>();
      for (const b of bids) byAmount.set(b.value.amount, (byAmount.get(b.value.amount) ?? new Set()).add(tenderer(b)));
      if ([...byAmount.values()].some((who) => who.size > 1)) raised.push('R028');
      const award = awards.get(`${tender.id}-award`);
      const winner = award && bids.find((b) => b.id === award.relatedBid);
      if (winner) {
        if (winner.status === 'valid' && Date.parse(winner.date) > end) raised.push('R030');
        const valid = new Set(bids.filter((b) => b.status === 'valid').map(tenderer));
        const others = new Set(bids.filter((b) => b.status === 'disqualified' && tenderer(b) !== tenderer(winner)).map(tenderer));
        if (valid.size === 1 && valid.has(tenderer(winner)) && others.size >= 1) raised.push('R035');
        const lowest = Math.min(...bids.map((b) => b.value.amount));
        if (bids.some((b) => b.value.amount === lowest && b.status === 'disqualified')) raised.push('R036');
      }
      if (raised.length > 0) flags.set(tender.id, raised.sort());
    }
    return flags;
  }

  it("equal the graph's flags process by process, for every project of the area (R024/R058 need the population, not one package)", async () => {
    const token = await officer();
    const { body } = await graph.request(
      `query { procurementProjects(within: "${WUHOU}", first: 100) { pageInfo { hasNextPage } edges { node { id } } } }`,
      { token },
    );
    const ids: string[] = (body.data as any).procurementProjects.edges.map((e: any) => e.node.id);
    expect((body.data as any).procurementProjects.pageInfo.hasNextPage).toBe(false);
    let compared = 0;
    for (const id of ids) {
      const { body: answer } = await graph.request(
        `query ($id: ID!) { ocdsReleasePackage(projectId: $id) procurementProject(id: $id) { redFlags { indicator tender { id } } } }`,
        { variables: { id }, token },
      );
      expect(answer.errors).toBeUndefined();
      const data = answer.data as any;
      const graphFlags = new Map<string, string[]>();
      for (const flag of data.procurementProject.redFlags) {
        // R024/R058, SPLIT_PURCHASE and SUPPLIER_CONCENTRATION need the buyer's year, not one package;
        // PENALISED_SUPPLIER and SIMILAR_BIDDERS the registry; the contract ones its implementation records.
        if (!CARDINAL_PROCESS_INDICATORS.includes(flag.indicator) || ['R024', 'R058'].includes(flag.indicator)) continue;
        graphFlags.set(flag.tender.id, [...(graphFlags.get(flag.tender.id) ?? []), flag.indicator].sort());
      }
      const published = fromOcds(data.ocdsReleasePackage, Date.now());
      expect({ project: id, flags: Object.fromEntries(published) }).toEqual({ project: id, flags: Object.fromEntries(graphFlags) });
      compared += published.size;
    }
    // The scenarios above raised R003, R018, R028, R035 and R036: the comparison is not vacuous.
    expect(compared).toBeGreaterThanOrEqual(5);
  });
});

describe('PENALISED_SUPPLIER: an award to a body penalised in the 3 years before its bid', () => {
  const RECORD_PENALTY = `mutation ($input: RecordPenaltyInput!) { recordPenalty(input: $input) { penalty { id } } }`;
  const penalise = async (organizationId: string, decidedOn: string, documentNumber: string) =>
    ok(
      graph,
      RECORD_PENALTY,
      {
        input: {
          organizationId,
          decidedOn,
          authority: '成都市民政局',
          documentNumber,
          kind: 'WARNING',
          penalty: '警告',
          reason: '未按规定报送年度报告',
          inForceUntil: decidedOn,
        },
      },
      await tokenFor({ roles: ['CITY_ADMIN'], area: '510100000000' }),
    );

  it('is raised from the registry through the graph, and not for a penalty older than the window', async () => {
    const orgs = eligible('ELDERLY_CARE', 3);
    const twoYearsAgo = `${YEAR - 2}-06-01`;
    await penalise(orgs[0]!.id, twoYearsAgo, '成民罚〔近〕1号');
    await penalise(orgs[1]!.id, `${YEAR - 4}-01-02`, '成民罚〔远〕1号');
    const recent = await awardedOpen(['500000.00', '600000.00', '700000.00']);
    const flag = (await flagsOf(recent.projectId, await officer())).find((f) => f.indicator === 'PENALISED_SUPPLIER');
    expect(flag).toMatchObject({ value: 1, threshold: 1, evidence: { organizations: [{ id: orgs[0]!.id }] } });
    const old = await awardedOpen(['700000.00', '500000.00', '650000.00']);
    expect((await flagsOf(old.projectId, await officer())).map((f) => f.indicator)).not.toContain('PENALISED_SUPPLIER');
  });
});
