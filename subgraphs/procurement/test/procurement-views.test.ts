import { significantPrefix } from '../../../lib/kernel/auth';
import { fromFen, toFen } from '../../../lib/kernel/money';
import { demoOrganizations } from '../../../seed/demo-organizations';
import { demoProcurement } from '../prisma/seed';
import { startTestGraph, type TestGraph } from '../../../test/support/graph';
import { tokenFor } from '../../../test/support/tokens';

/** The officers' views over the demo year, against values computed here from the demo rows. */

const WUHOU = '510107000000';
const CHENGDU = '510100000000';
const rows = demoProcurement();
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
  new Date(),
);

// Column positions of the seed's rows (subgraphs/procurement/prisma/seed.ts).
const contracts = rows.contracts.map((c) => ({
  id: c[0] as string,
  area: c[5] as string,
  category: c[6] as string,
  value: c[9] as string,
  endsOn: c[12] as string,
  signedOn: c[13] as string,
  status: c[14] as string,
}));
const milestones = rows.milestones.map((m) => ({
  id: m[0] as string,
  contractId: m[1] as string,
  dueOn: m[4] as string,
  completedOn: m[5] as string | null,
}));
const within = (area: string, code: string) => code.startsWith(significantPrefix(area));
const overdue = (m: (typeof milestones)[number]) => m.completedOn === null && m.dueOn < today;
const activeOverdue = (area: string) =>
  milestones.filter((m) => overdue(m) && contracts.some((c) => c.id === m.contractId && c.status === 'ACTIVE' && within(area, c.area)));

let graph: TestGraph;
let token: string;
beforeAll(async () => {
  graph = await startTestGraph({ seed: true });
  token = await tokenFor({ roles: ['PROCUREMENT_OFFICER'], area: CHENGDU });
});
afterAll(async () => {
  await graph?.stop();
});

async function ok(query: string, variables: Record<string, unknown> = {}) {
  const { body } = await graph.request(query, { variables, token });
  expect(body.errors).toBeUndefined();
  return body.data as Record<string, any>;
}

const CONTRACTS = `query ($filter: ContractFilter, $first: Int, $after: String) {
  contracts(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id endsOn status value { amount } paid { amount } supplier { id name } milestones { dueOn overdue } } }
  }
}`;

test('the demo year holds about 83 projects in every state, with a failed open tender, an overdue milestone, an expiring contract and a completed evaluation', async () => {
  const data = await ok(
    `{ ${['PLANNED', 'TENDERING', 'AWARDED', 'CONTRACTED', 'COMPLETED'].map((s) => `${s}: procurementProjects(within: "${CHENGDU}", status: ${s}) { totalCount }`).join(' ')} }`,
  );
  for (const status of ['PLANNED', 'TENDERING', 'AWARDED', 'CONTRACTED', 'COMPLETED']) expect(data[status].totalCount).toBeGreaterThan(0);
  const [counts] = await graph.database.query<Record<string, number>>(`SELECT
    (SELECT count(*)::int FROM procurement.project) AS projects,
    (SELECT count(*)::int FROM procurement.tender WHERE status = 'UNSUCCESSFUL' AND method = 'OPEN') AS failed,
    (SELECT count(*)::int FROM procurement.performance_evaluation WHERE status = 'COMPLETED') AS evaluated,
    (SELECT count(*)::int FROM procurement.contract WHERE status = 'ACTIVE' AND ends_on < DATE '2026-11-25' + 60) AS expiring`);
  expect(counts!.projects).toBe(83);
  expect(counts!.failed).toBeGreaterThan(0);
  expect(counts!.evaluated).toBeGreaterThan(0);
  expect(counts!.expiring).toBeGreaterThan(0);
  expect(activeOverdue(CHENGDU).length).toBeGreaterThan(0);
  const categories = rows.demo.map((p) => p.category);
  expect(categories.filter((c) => c === 'ELDERLY_CARE' || c === 'TRAINING_AND_EMPLOYMENT').length).toBeGreaterThan(categories.length / 2);
});

test('contracts with overdue milestones, paged, match the demo rows', async () => {
  const expected = contracts
    .filter((c) => c.status === 'ACTIVE' && within(CHENGDU, c.area) && milestones.some((m) => m.contractId === c.id && overdue(m)))
    .sort((a, b) => (a.endsOn === b.endsOn ? (a.id < b.id ? -1 : 1) : a.endsOn < b.endsOn ? -1 : 1))
    .map((c) => c.id);
  expect(expected.length).toBeGreaterThan(1);
  const seen: string[] = [];
  let after: string | null = null;
  do {
    const data: Record<string, any> = await ok(CONTRACTS, { filter: { within: CHENGDU, hasOverdueMilestones: true }, first: 2, after });
    expect(data.contracts.totalCount).toBe(expected.length);
    for (const edge of data.contracts.edges) {
      seen.push(edge.node.id);
      expect(edge.node.milestones.some((m: { overdue: boolean }) => m.overdue)).toBe(true);
    }
    after = data.contracts.pageInfo.hasNextPage ? data.contracts.pageInfo.endCursor : null;
  } while (after);
  expect(seen).toEqual(expected);
});

test('filters: status, supplier, expiring before, within', async () => {
  const soon = '2026-12-31';
  const expiring = contracts
    .filter((c) => c.status === 'ACTIVE' && c.endsOn <= soon && within(WUHOU, c.area))
    .map((c) => c.id)
    .sort();
  const data = await ok(CONTRACTS, { filter: { within: WUHOU, status: ['ACTIVE'], expiringBefore: soon }, first: 100 });
  expect(data.contracts.edges.map((e: { node: { id: string } }) => e.node.id).sort()).toEqual(expiring);
  const supplier = rows.contracts[0]![3] as string;
  const bySupplier = await ok(CONTRACTS, { filter: { within: CHENGDU, supplier }, first: 100 });
  expect(bySupplier.contracts.totalCount).toBe(rows.contracts.filter((c) => c[3] === supplier && within(CHENGDU, c[5] as string)).length);
});

test('overdueMilestones and procurementStatistics match the demo rows', async () => {
  const data = await ok(`query { overdueMilestones(within: "${CHENGDU}", first: 100) { totalCount edges { node { id dueOn overdue } } } }`);
  expect(data.overdueMilestones.totalCount).toBe(activeOverdue(CHENGDU).length);
  expect(data.overdueMilestones.edges.map((e: { node: { id: string } }) => e.node.id).sort()).toEqual(
    activeOverdue(CHENGDU)
      .map((m) => m.id)
      .sort(),
  );

  for (const groupBy of ['DISTRICT', 'CATEGORY'] as const) {
    const stats = await ok(
      `query { procurementStatistics(year: 2026, within: "${CHENGDU}", groupBy: ${groupBy}) { key contracts amount { amount currency } } }`,
    );
    const expected = new Map<string, { contracts: number; fen: bigint }>();
    for (const c of contracts.filter((x) => x.signedOn?.startsWith('2026') && within(CHENGDU, x.area))) {
      const key = groupBy === 'DISTRICT' ? `${c.area.slice(0, 6)}000000` : c.category;
      const entry = expected.get(key) ?? { contracts: 0, fen: 0n };
      entry.contracts++;
      entry.fen += toFen(c.value);
      expected.set(key, entry);
    }
    expect(stats.procurementStatistics).toEqual(
      [...expected.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, e]) => ({ key, contracts: e.contracts, amount: { amount: fromFen(e.fen), currency: 'CNY' } })),
    );
  }
});

test('tendersAtRisk: thin supply of organisations that could bid, or few bids near the deadline', async () => {
  const organizations = demoOrganizations();
  const overlapping = (area: string) => (code: string) =>
    significantPrefix(area).startsWith(significantPrefix(code)) || code.startsWith(significantPrefix(area));
  // Who submitBid would accept, written out here from the rules: of the organisations serving the
  // area and the invited, the active ones of an eligible kind (never an agency or the purchaser),
  // with the minimum grade still valid today, registered for the category, invited if need be.
  const supply = (tender: unknown[], project: (typeof rows.demo)[number]) => {
    const [, , method, , , kinds, minGrade, invited] = tender as [string, string, string, null, string, string[], number | null, string[]];
    return organizations.filter(
      (o) =>
        (o.serviceAreaCodes.some(overlapping(project.areaCode)) || invited.includes(o.id)) &&
        o.status === 'ACTIVE' &&
        o.kind !== 'GOVERNMENT_AGENCY' &&
        o.id !== project.purchaser.id &&
        kinds.includes(o.kind) &&
        (minGrade === null || ((o.grade ?? 0) >= minGrade && o.gradeValidUntil! >= today)) &&
        o.categories.includes(project.category) &&
        (method === 'OPEN' || invited.includes(o.id)),
    ).length;
  };
  const horizon = Date.now() + 5 * 86_400_000;
  const expected = rows.tenders
    .filter((t) => t[11] === 'ACTIVE' && Date.parse(t[10] as string) > 0)
    .map((t) => {
      const project = rows.demo.find((p) => p.id === t[1])!;
      const bids = rows.bids.filter((b) => b[1] === t[0]).length;
      const eligibleSupply = supply(t, project);
      const reasons = [
        ...(eligibleSupply < 3 ? ['THIN_SUPPLY'] : []),
        ...(bids < 3 && Date.parse(t[10] as string) <= horizon ? ['FEW_BIDS'] : []),
      ];
      return { id: t[0] as string, area: project.areaCode, eligibleSupply, bidCount: bids, reasons };
    })
    .filter((t) => t.reasons.length > 0 && within(CHENGDU, t.area));
  expect(expected.length).toBeGreaterThan(0);
  const data = await ok(
    `query { tendersAtRisk(within: "${CHENGDU}", first: 100) { totalCount edges { node { tender { id } eligibleSupply bidCount reasons } } } }`,
  );
  expect(data.tendersAtRisk.totalCount).toBe(expected.length);
  expect(
    data.tendersAtRisk.edges
      .map((e: any) => ({
        id: e.node.tender.id,
        eligibleSupply: e.node.eligibleSupply,
        bidCount: e.node.bidCount,
        reasons: e.node.reasons,
      }))
      .sort((a: any, b: any) => (a.id < b.id ? -1 : 1)),
  ).toEqual(expected.map(({ area: _area, ...rest }) => rest).sort((a, b) => (a.id < b.id ? -1 : 1)));
});

test('statement counts of the main reads do not grow with the page size', async () => {
  const count = async (query: string, variables: Record<string, unknown>) => {
    graph.statements.length = 0;
    await ok(query, variables);
    return graph.statements.length;
  };
  const contractsSmall = await count(CONTRACTS, { filter: { within: CHENGDU }, first: 2 });
  const contractsLarge = await count(CONTRACTS, { filter: { within: CHENGDU }, first: 60 });
  expect(contractsLarge).toBe(contractsSmall);
  const OVERDUE = `query ($first: Int) { overdueMilestones(within: "${CHENGDU}", first: $first) { totalCount edges { node { id contract { id title } } } } }`;
  expect(await count(OVERDUE, { first: 50 })).toBe(await count(OVERDUE, { first: 1 }));
  const RISK = `query ($first: Int) { tendersAtRisk(within: "${CHENGDU}", first: $first) { totalCount edges { node { bidCount tender { id project { title } } } } } }`;
  expect(await count(RISK, { first: 50 })).toBe(await count(RISK, { first: 1 }));
  const PROJECTS = `query ($first: Int) { procurementProjects(within: "${CHENGDU}", first: $first) { edges { node { id communities { code } targets { indicator } tenders { id bidCount } contract { id } } } } }`;
  expect(await count(PROJECTS, { first: 50 })).toBe(await count(PROJECTS, { first: 2 }));
});
