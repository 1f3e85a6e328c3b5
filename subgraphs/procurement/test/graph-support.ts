import { demoOrganizations, type DemoOrganization } from '../../../seed/demo-organizations';
import type { TestGraph } from '../../../test/support/graph';
import { tokenFor } from '../../../test/support/tokens';

/** Shared helpers for the procurement end-to-end tests (demo registry, roles, a project under way). */

export const WUHOU = '510107000000';
export const JINJIANG = '510104000000';
export const JIFU = '510107001001';

export const demo = demoOrganizations();
export const bureau = (district: string) => demo.find((o) => o.key === `civil-affairs:${district.slice(0, 6)}`)!;

/** Active social organisations registered for the category (eligible bidders). */
export function eligible(category: string, count: number, except: string[] = []): DemoOrganization[] {
  const found = demo.filter(
    (o) =>
      o.status === 'ACTIVE' &&
      o.role === 'SOCIAL_ORGANIZATION' &&
      o.kind === 'SOCIAL_SERVICE_AGENCY' &&
      o.categories.includes(category) &&
      !except.includes(o.id),
  );
  if (found.length < count) throw new Error(`Only ${found.length} eligible organisations for ${category}.`);
  return found.slice(0, count);
}

export const officer = (area = WUHOU) => tokenFor({ roles: ['PROCUREMENT_OFFICER'], area, sub: `procurement-${area}` });
export const orgAdmin = (org: { id: string }, area = WUHOU) =>
  tokenFor({ roles: ['ORG_ADMIN'], area, org: org.id, sub: `admin-${org.id}` });
export const evaluatorToken = (org: { id: string }) =>
  tokenFor({ roles: ['EVALUATOR'], area: WUHOU, org: org.id, sub: `evaluator-${org.id}` });

export async function ok<T = any>(graph: TestGraph, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const { body } = await graph.request(query, { variables, token });
  if (body.errors) throw new Error(`Unexpected errors: ${JSON.stringify(body.errors)}`);
  return body.data as T;
}

export async function refused(graph: TestGraph, query: string, variables: Record<string, unknown>, token?: string) {
  const { body } = await graph.request(query, { variables, token });
  expect(body.errors).toBeDefined();
  return body.errors![0]!;
}

export const CREATE_BUDGET_LINE = `mutation ($input: CreateBudgetLineInput!) { createBudgetLine(input: $input) { budgetLine { id remaining { amount } } } }`;
export const CREATE_PROJECT = `mutation ($input: CreateProjectInput!) { createProject(input: $input) { project { id status budget { amount currency } category } } }`;
export const PUBLISH_TENDER = `mutation ($input: PublishTenderInput!) { publishTender(input: $input) { tender { id status method closesAt } } }`;
export const SUBMIT_BID = `mutation ($input: SubmitBidInput!) { submitBid(input: $input) { bid { id price { amount } } } }`;
export const EVALUATE = `mutation ($input: EvaluateTenderInput!) { evaluateTender(input: $input) { tender { id status award { amount { amount } noticeDate objectionDeadline signBy supplier { id } } } } }`;
export const CREATE_CONTRACT = `mutation ($input: CreateContractInput!) { createContract(input: $input) { contract { id status value { amount } milestones { id dueOn } } } }`;
export const CHANGE_CONTRACT = `mutation ($input: ChangeContractStatusInput!) { changeContractStatus(input: $input) { contract { id status signedOn terminationReason } } }`;
export const RECORD_PAYMENT = `mutation ($input: RecordPaymentInput!) { recordPayment(input: $input) { payment { amount { amount } } contract { paid { amount } } } }`;

/** A tender's or contract's version as stored: the one a caller would have read. */
export async function versionOf(graph: TestGraph, table: 'tender' | 'contract', id: string): Promise<number> {
  const [row] = await graph.database.query<{ version: number }>(`SELECT version FROM procurement.${table} WHERE id = $1::uuid`, [id]);
  return row!.version;
}

const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();

/** A budget line of the Wuhou bureau with room for `amount`. */
export async function budgetLine(graph: TestGraph, amount = '5000000.00'): Promise<string> {
  const data = await ok(
    graph,
    CREATE_BUDGET_LINE,
    { input: { agencyId: bureau(WUHOU).id, areaCode: WUHOU, year: 2026, name: '测试预算', amount } },
    await officer(),
  );
  return data.createBudgetLine.budgetLine.id;
}

export async function project(graph: TestGraph, overrides: Record<string, unknown> = {}): Promise<string> {
  const line = (overrides.budgetLineId as string) ?? (await budgetLine(graph));
  const data = await ok(
    graph,
    CREATE_PROJECT,
    {
      input: {
        title: '吉福社区居家养老上门服务项目',
        purchaserId: bureau(WUHOU).id,
        areaCode: WUHOU,
        communityCodes: [JIFU],
        catalogueCode: 'A01.01',
        kind: 'SERVICES',
        budgetLineId: line,
        serviceContent: '为辖区高龄独居老人提供上门助洁、助浴、助医服务',
        budget: '800000.00',
        targets: [{ indicator: '服务人次', targetValue: '3000' }],
        ...overrides,
      },
    },
    await officer(),
  );
  return data.createProject.project.id;
}

export async function openTender(graph: TestGraph, projectId: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const data = await ok(
    graph,
    PUBLISH_TENDER,
    {
      input: {
        projectId,
        method: 'OPEN',
        awardCriteria: 'PRICE_ONLY',
        eligibleKinds: ['SOCIAL_SERVICE_AGENCY', 'SOCIAL_ASSOCIATION'],
        opensAt: days(0),
        closesAt: days(21),
        ...overrides,
      },
    },
    await officer(),
  );
  return data.publishTender.tender.id;
}

export async function bid(graph: TestGraph, tenderId: string, org: { id: string }, price: string): Promise<string> {
  const data = await ok(graph, SUBMIT_BID, { input: { tenderId, price, proposal: '服务方案' } }, await orgAdmin(org));
  return data.submitBid.bid.id;
}

/** Moves a tender's deadline into the past, as time would (tests cannot wait 20 days). */
export async function closeTender(graph: TestGraph, tenderId: string): Promise<void> {
  await graph.database.query(
    `UPDATE procurement.tender SET opens_at = now() - interval '30 days', closes_at = now() - interval '1 second' WHERE id = $1::uuid`,
    [tenderId],
  );
}

/** A project taken to an awarded open tender with three qualified bids; returns the ids. */
export async function awarded(graph: TestGraph, prices = ['700000.00', '650000.00', '720000.00']) {
  const projectId = await project(graph);
  const tenderId = await openTender(graph, projectId);
  const bidders = eligible('ELDERLY_CARE', prices.length);
  const bidIds: string[] = [];
  for (const [i, org] of bidders.entries()) bidIds.push(await bid(graph, tenderId, org, prices[i]!));
  await closeTender(graph, tenderId);
  const data = await ok(
    graph,
    EVALUATE,
    {
      input: {
        tenderId,
        expectedVersion: await versionOf(graph, 'tender', tenderId),
        scores: bidIds.map((bidId) => ({ bidId, qualified: true })),
      },
    },
    await officer(),
  );
  return { projectId, tenderId, bidders, bidIds, award: data.evaluateTender.tender.award };
}

export async function activeContract(graph: TestGraph, value = '600000.00') {
  const state = await awarded(graph);
  const created = await ok(
    graph,
    CREATE_CONTRACT,
    {
      input: {
        tenderId: state.tenderId,
        value,
        startsOn: '2026-12-01',
        endsOn: '2027-11-30',
        milestones: [{ title: '第一阶段', deliverable: '服务台账', dueOn: '2027-03-01' }],
      },
    },
    await officer(),
  );
  const contractId = created.createContract.contract.id as string;
  await ok(
    graph,
    CHANGE_CONTRACT,
    { input: { contractId, to: 'ACTIVE', expectedVersion: await versionOf(graph, 'contract', contractId) } },
    await officer(),
  );
  return { ...state, contractId, milestoneIds: created.createContract.contract.milestones.map((m: { id: string }) => m.id) as string[] };
}
