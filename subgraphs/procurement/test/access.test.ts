import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Role, Viewer } from '../../../lib/kernel/auth';
import { ANONYMOUS } from '../../../lib/kernel/auth';
import { DEMO_TODAY, demoProcurement, seedProcurement } from '../prisma/seed';
import { buildTestSubgraph, type TestSubgraph } from '../../../test/support/graph';
import { viewer } from '../../../test/support/tokens';

/**
 * The access matrix, checked in the subgraph itself (reachable without the gateway): role × own
 * area / other area × field or mutation. "Allowed" means the refusal, if any, is not about
 * access (the inputs are chosen so that an allowed caller meets a domain refusal, not a write).
 */

const rows = demoProcurement();
const WUHOU = '510107000000';
const JINJIANG = '510104000000';
const contract = rows.contracts.find((c) => c[5] === WUHOU && c[14] === 'ACTIVE')!;
const contractId = contract[0] as string;
const supplierId = contract[3] as string;
const tenderId = contract[2] as string;
const projectId = contract[1] as string;
const doneMilestone = rows.milestones.find((m) => m[1] === contractId && m[5] !== null)!;
const otherOrg = rows.bids.find((b) => b[1] === tenderId && b[2] !== supplierId)![2] as string;

let subgraph: TestSubgraph;
// The registry stands in as a peer that knows no organisation (no penalties to judge): this
// matrix is about procurement's own access checks, reachable without the gateway.
const registry = http.createServer((_, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}'));
beforeAll(async () => {
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
  const { port } = registry.address() as AddressInfo;
  subgraph = await buildTestSubgraph('procurement', { peerUrls: { organizations: `http://127.0.0.1:${port}/graphql` } });
  await subgraph.database.withSession((session) => seedProcurement(session));
});
afterAll(async () => {
  await subgraph?.close();
  registry.close();
});

type Caller = { name: string; viewer: Viewer };
const callers: Caller[] = [
  { name: 'anonymous', viewer: ANONYMOUS },
  { name: 'resident', viewer: viewer({ roles: ['RESIDENT'], area: '510107001001' }) },
  ...(['PROCUREMENT_OFFICER', 'DISTRICT_CIVIL_AFFAIRS', 'STREET_OFFICER', 'COMMUNITY_WORKER', 'HOUSING_AUTHORITY'] as Role[]).flatMap(
    (role) => [
      { name: `${role} own`, viewer: viewer({ roles: [role], area: WUHOU }) },
      { name: `${role} other`, viewer: viewer({ roles: [role], area: JINJIANG }) },
    ],
  ),
  { name: 'CITY_ADMIN own', viewer: viewer({ roles: ['CITY_ADMIN'], area: '510100000000' }) },
  { name: 'CITY_ADMIN other', viewer: viewer({ roles: ['CITY_ADMIN'], area: '110100000000' }) },
  { name: 'supplier ORG_ADMIN', viewer: { ...viewer({ roles: ['ORG_ADMIN'], area: WUHOU }), org: supplierId } },
  { name: 'other ORG_ADMIN', viewer: { ...viewer({ roles: ['ORG_ADMIN'], area: WUHOU }), org: otherOrg } },
  { name: 'EVALUATOR', viewer: { ...viewer({ roles: ['EVALUATOR'], area: WUHOU }), org: otherOrg } },
];

const READERS = ['PROCUREMENT_OFFICER own', 'DISTRICT_CIVIL_AFFAIRS own', 'CITY_ADMIN own'];
const PURCHASERS = ['PROCUREMENT_OFFICER own', 'CITY_ADMIN own'];

interface Case {
  what: string;
  query: string;
  variables?: Record<string, unknown>;
  allowed: string[];
}

const cases: Case[] = [
  { what: 'contracts', query: `{ contracts(filter: { within: "${WUHOU}" }) { totalCount } }`, allowed: READERS },
  { what: 'overdueMilestones', query: `{ overdueMilestones(within: "${WUHOU}") { totalCount } }`, allowed: READERS },
  {
    what: 'procurementStatistics',
    query: `{ procurementStatistics(year: 2026, within: "${WUHOU}", groupBy: CATEGORY) { key } }`,
    allowed: READERS,
  },
  { what: 'budgetLines', query: `{ budgetLines(within: "${WUHOU}", year: 2026) { id } }`, allowed: READERS },
  { what: 'Contract.paid', query: `{ contract(id: "${contractId}") { paid { amount } } }`, allowed: [...READERS, 'supplier ORG_ADMIN'] },
  {
    what: 'Contract.payments',
    query: `{ contract(id: "${contractId}") { payments { id } } }`,
    allowed: [...READERS, 'supplier ORG_ADMIN'],
  },
  { what: 'Tender.bids', query: `{ procurementProject(id: "${projectId}") { tenders { bids { id } } } }`, allowed: READERS },
  { what: 'Tender.objections', query: `{ procurementProject(id: "${projectId}") { tenders { objections { id } } } }`, allowed: READERS },
  { what: 'ProcurementProject.history', query: `{ procurementProject(id: "${projectId}") { history { action } } }`, allowed: READERS },
  {
    what: 'Organization.bids',
    query: `{ _entities(representations: [{ __typename: "Organization", id: "${supplierId}" }]) { ... on Organization { bids { totalCount } } } }`,
    allowed: ['supplier ORG_ADMIN'],
  },
  {
    what: 'addCatalogueItem',
    query: `mutation { addCatalogueItem(input: { code: "A01.01", name: "x", category: ELDERLY_CARE }) { item { code } } }`,
    allowed: ['CITY_ADMIN own', 'CITY_ADMIN other'],
  },
  {
    what: 'publishTender',
    query: `mutation ($p: ID!) { publishTender(input: { projectId: $p, method: OPEN, awardCriteria: PRICE_ONLY, eligibleKinds: [SOCIAL_SERVICE_AGENCY], opensAt: "2030-01-01T00:00:00Z", closesAt: "2030-02-01T00:00:00Z" }) { tender { id } } }`,
    variables: { p: projectId },
    allowed: PURCHASERS,
  },
  {
    what: 'evaluateTender',
    query: `mutation ($t: ID!) { evaluateTender(input: { tenderId: $t, scores: [] }) { tender { id } } }`,
    variables: { t: tenderId },
    allowed: PURCHASERS,
  },
  {
    what: 'cancelTender',
    query: `mutation ($t: ID!) { cancelTender(input: { tenderId: $t, reason: "x" }) { tender { id } } }`,
    variables: { t: tenderId },
    allowed: PURCHASERS,
  },
  {
    what: 'createContract',
    query: `mutation ($t: ID!) { createContract(input: { tenderId: $t, value: "1.00", startsOn: "2027-01-01", endsOn: "2027-06-01", milestones: [{ title: "a", deliverable: "b", dueOn: "2027-03-01" }] }) { contract { id } } }`,
    variables: { t: tenderId },
    allowed: PURCHASERS,
  },
  {
    what: 'changeContractStatus',
    query: `mutation ($c: ID!) { changeContractStatus(input: { contractId: $c, to: PENDING }) { contract { id } } }`,
    variables: { c: contractId },
    allowed: PURCHASERS,
  },
  {
    what: 'completeMilestone',
    query: `mutation ($m: ID!) { completeMilestone(input: { milestoneId: $m, completedOn: "2026-01-02" }) { milestone { id } } }`,
    variables: { m: doneMilestone[0] },
    allowed: PURCHASERS,
  },
  {
    what: 'recordPayment',
    query: `mutation ($c: ID!) { recordPayment(input: { contractId: $c, amount: "99999999999.00", paidOn: "2026-11-01" }) { payment { id } } }`,
    variables: { c: contractId },
    allowed: PURCHASERS,
  },
  {
    what: 'addSupplementaryAgreement',
    query: `mutation ($c: ID!) { addSupplementaryAgreement(input: { contractId: $c, amount: "99999999999.00", reason: "x" }) { contract { id } } }`,
    variables: { c: contractId },
    allowed: PURCHASERS,
  },
  {
    what: 'assignEvaluation',
    query: `mutation ($c: ID!, $s: ID!) { assignEvaluation(input: { contractId: $c, evaluatorId: $s }) { evaluation { id } } }`,
    variables: { c: contractId, s: supplierId },
    allowed: PURCHASERS,
  },
  {
    what: 'submitBid',
    query: `mutation ($t: ID!) { submitBid(input: { tenderId: $t, price: "1.00", proposal: "x" }) { bid { id } } }`,
    variables: { t: tenderId },
    allowed: ['supplier ORG_ADMIN', 'other ORG_ADMIN'],
  },
  {
    what: 'fileObjection',
    query: `mutation ($t: ID!) { fileObjection(input: { tenderId: $t, reason: "x" }) { objection { id } } }`,
    variables: { t: tenderId },
    allowed: ['supplier ORG_ADMIN', 'other ORG_ADMIN'],
  },
  {
    what: 'submitEvaluation',
    query: `mutation { submitEvaluation(input: { evaluationId: "00000000-0000-4000-8000-000000000000", scores: [{ indicator: "a", score: 1 }], residentSatisfaction: 1, grade: PASS }) { evaluation { id } } }`,
    allowed: ['EVALUATOR'],
  },
];

describe.each(cases)('$what', ({ query, variables, allowed }) => {
  test.each(callers)('$name', async ({ name, viewer: caller }) => {
    const result = await subgraph.execute(query, variables, caller);
    const codes = (result.errors ?? []).map((e) => e.extensions?.code);
    expect(codes).not.toContain('INTERNAL_SERVER_ERROR');
    if (allowed.includes(name)) {
      expect(codes.filter((c) => c === 'FORBIDDEN' || c === 'UNAUTHENTICATED')).toEqual([]);
    } else {
      expect(codes.some((c) => c === 'FORBIDDEN' || c === 'UNAUTHENTICATED')).toBe(true);
    }
  });
});

/** Red flags filter rather than refuse: officers of the area see every flag with evidence, anyone else decided tenders' flags bare. */
describe('redFlags', () => {
  const YEAR = Number(DEMO_TODAY.slice(0, 4));
  const query = `query ($w: AreaCode!, $y: Int!) { redFlags(within: $w, year: $y, first: 100) { totalCount edges { node { indicator evidence { bids { id } organizations { id } projects { id } } tender { status } } } } }`;
  let officerSees: number;
  beforeAll(async () => {
    // An open tender of the area with a 10-day bid period: R003 while it can still be extended.
    await subgraph.database.query(
      `UPDATE procurement.tender SET closes_at = opens_at + interval '10 days'
        WHERE id = (SELECT t.id FROM procurement.tender t JOIN procurement.project p ON p.id = t.project_id
                     WHERE t.status = 'ACTIVE' AND p.area_code = $1 ORDER BY t.id LIMIT 1)`,
      [WUHOU],
    );
    const result = await subgraph.execute(query, { w: WUHOU, y: YEAR }, viewer({ roles: ['PROCUREMENT_OFFICER'], area: WUHOU }));
    officerSees = (result.data as any).redFlags.totalCount;
  });
  test('the demo year raises flags in the area, undecided ones among them', async () => {
    const result = await subgraph.execute(query, { w: WUHOU, y: YEAR }, viewer({ roles: ['PROCUREMENT_OFFICER'], area: WUHOU }));
    const nodes = (result.data as any).redFlags.edges.map((e: any) => e.node);
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.some((n: any) => n.tender.status === 'ACTIVE')).toBe(true);
  });
  test.each(callers)('$name', async ({ name, viewer: caller }) => {
    const result = await subgraph.execute(query, { w: WUHOU, y: YEAR }, caller);
    expect(result.errors).toBeUndefined();
    const nodes = (result.data as any).redFlags.edges.map((e: any) => e.node);
    if (READERS.includes(name)) {
      expect(nodes.length).toBe(officerSees);
      expect(nodes.every((n: any) => n.evidence !== null)).toBe(true);
    } else {
      expect(nodes.length).toBeLessThan(officerSees);
      expect(nodes.every((n: any) => n.evidence === null && ['AWARDED', 'UNSUCCESSFUL'].includes(n.tender.status))).toBe(true);
    }
  });
});

test('nothing was written by the matrix', async () => {
  const [counts] = await subgraph.database.query<{ payments: number; catalogue: number; objections: number }>(
    `SELECT (SELECT count(*)::int FROM procurement.payment) AS payments, (SELECT count(*)::int FROM procurement.catalogue_item) AS catalogue, (SELECT count(*)::int FROM procurement.objection) AS objections`,
  );
  expect(counts).toEqual({ payments: rows.payments.length, catalogue: 11, objections: 0 });
});
