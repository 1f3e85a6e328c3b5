import { startTestGraph, type TestGraph } from '../../../test/support/graph';
import { tokenFor } from '../../../test/support/tokens';
import {
  activeContract,
  awarded,
  bid,
  budgetLine,
  bureau,
  CHANGE_CONTRACT,
  closeTender,
  CREATE_CONTRACT,
  CREATE_PROJECT,
  eligible,
  evaluatorToken,
  EVALUATE,
  JIFU,
  officer,
  ok,
  openTender,
  orgAdmin,
  project,
  PUBLISH_TENDER,
  RECORD_PAYMENT,
  refused,
  SUBMIT_BID,
  WUHOU,
  demo,
  versionOf,
} from './graph-support';

/** A procurement officer runs projects from catalogue to evaluation through the real gateway; every legal rule allowed and refused. */

let graph: TestGraph;
beforeAll(async () => {
  // Every tender opened here (closing in 21 days) falls within the at-risk horizon, so that its bid count is visible there.
  graph = await startTestGraph({ seed: true, config: { PROCUREMENT_AT_RISK_DAYS: '60' } });
});
afterAll(async () => {
  await graph?.stop();
});

const projectInput = (budgetLineId: string, overrides: Record<string, unknown> = {}) => ({
  input: {
    title: '测试项目',
    purchaserId: bureau(WUHOU).id,
    areaCode: WUHOU,
    communityCodes: [JIFU],
    catalogueCode: 'A01.01',
    kind: 'SERVICES',
    budgetLineId,
    serviceContent: '服务内容',
    budget: '100000.00',
    targets: [{ indicator: '服务人次', targetValue: '100' }],
    ...overrides,
  },
});

describe('catalogue and budget lines', () => {
  test('a project inside the catalogue and its budget line is created and commits the budget', async () => {
    const line = await budgetLine(graph, '1000000.00');
    const data = await ok(graph, CREATE_PROJECT, projectInput(line, { budget: '400000.50' }), await officer());
    expect(data.createProject.project).toMatchObject({
      status: 'PLANNED',
      budget: { amount: '400000.50', currency: 'CNY' },
      category: 'ELDERLY_CARE',
    });
    const lines = await ok(
      graph,
      `query { budgetLines(within: "${WUHOU}", year: 2026) { id committed { amount } remaining { amount } } }`,
      {},
      await officer(),
    );
    expect(lines.budgetLines.find((l: { id: string }) => l.id === line)).toEqual({
      id: line,
      committed: { amount: '400000.50' },
      remaining: { amount: '599999.50' },
    });
  });

  test('outside the catalogue, over the remaining budget, or an excluded kind is refused with the rule named', async () => {
    const line = await budgetLine(graph, '100000.00');
    const token = await officer();
    expect((await refused(graph, CREATE_PROJECT, projectInput(line, { catalogueCode: 'Z99' }), token)).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      rule: 'IN_CATALOGUE',
      field: 'input.catalogueCode',
    });
    expect((await refused(graph, CREATE_PROJECT, projectInput(line, { budget: '100000.01' }), token)).extensions).toMatchObject({
      rule: 'WITHIN_BUDGET_LINE',
      field: 'input.budget',
    });
    for (const kind of ['GOODS', 'WORKS', 'FINANCING', 'OWN_STAFFING']) {
      expect((await refused(graph, CREATE_PROJECT, projectInput(line, { kind }), token)).extensions).toMatchObject({
        rule: 'SERVICES_ONLY',
        field: 'input.kind',
      });
    }
    // Nothing was committed by the refusals: the whole line is still there.
    await ok(graph, CREATE_PROJECT, projectInput(line, { budget: '100000.00' }), token);
  });

  test('a term over one year needs a justification, and never more than three years', async () => {
    const line = await budgetLine(graph);
    const token = await officer();
    expect((await refused(graph, CREATE_PROJECT, projectInput(line, { termMonths: 24 }), token)).extensions).toMatchObject({
      rule: 'TERM_ONE_YEAR_UNLESS_JUSTIFIED',
    });
    expect(
      (await refused(graph, CREATE_PROJECT, projectInput(line, { termMonths: 37, termJustification: '资金已落实' }), token)).extensions,
    ).toMatchObject({ rule: 'TERM_AT_MOST_THREE_YEARS' });
    await ok(graph, CREATE_PROJECT, projectInput(line, { termMonths: 36, termJustification: '资金已落实，服务稳定' }), token);
  });
});

describe('tenders', () => {
  test('an open tender stays open at least 20 days; an invited tender invites at least 3; single source names one', async () => {
    const token = await officer();
    const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();
    const base = { method: 'OPEN', awardCriteria: 'PRICE_ONLY', eligibleKinds: ['SOCIAL_SERVICE_AGENCY'], opensAt: days(0) };
    const p1 = await project(graph);
    expect(
      (await refused(graph, PUBLISH_TENDER, { input: { ...base, projectId: p1, closesAt: days(19) } }, token)).extensions,
    ).toMatchObject({ rule: 'OPEN_TENDER_20_DAYS' });
    const invited = eligible('ELDERLY_CARE', 3).map((o) => o.id);
    expect(
      (
        await refused(
          graph,
          PUBLISH_TENDER,
          { input: { ...base, projectId: p1, method: 'INVITED', closesAt: days(10), invitedSupplierIds: invited.slice(0, 2) } },
          token,
        )
      ).extensions,
    ).toMatchObject({ rule: 'INVITE_AT_LEAST_3' });
    expect(
      (
        await refused(
          graph,
          PUBLISH_TENDER,
          { input: { ...base, projectId: p1, method: 'SINGLE_SOURCE', closesAt: days(10), invitedSupplierIds: invited } },
          token,
        )
      ).extensions,
    ).toMatchObject({ rule: 'SINGLE_SOURCE_ONE_SUPPLIER' });
    // Request for quotation (询价) is not a method for services at all.
    expect(
      (
        await refused(
          graph,
          PUBLISH_TENDER,
          { input: { ...base, projectId: p1, method: 'REQUEST_FOR_QUOTATION', closesAt: days(21) } },
          token,
        )
      ).extensions?.code,
    ).toBe('BAD_USER_INPUT');
    const data = await ok(
      graph,
      PUBLISH_TENDER,
      { input: { ...base, projectId: p1, method: 'INVITED', closesAt: days(10), invitedSupplierIds: invited } },
      token,
    );
    expect(data.publishTender.tender).toMatchObject({ status: 'ACTIVE', method: 'INVITED' });
    // One live tender per project.
    expect((await refused(graph, PUBLISH_TENDER, { input: { ...base, projectId: p1, closesAt: days(21) } }, token)).extensions?.code).toBe(
      'CONFLICT',
    );
  });

  test('bids come from eligible organisations only, as the registry says, one per organisation, before the deadline', async () => {
    const projectId = await project(graph);
    const tenderId = await openTender(graph, projectId, { minGrade: 'GRADE_3A' });
    const graded = demo.find(
      (o) =>
        o.status === 'ACTIVE' &&
        o.kind === 'SOCIAL_SERVICE_AGENCY' &&
        o.categories.includes('ELDERLY_CARE') &&
        (o.grade ?? 0) >= 3 &&
        o.gradeValidUntil! > new Date().toISOString().slice(0, 10),
    )!;
    const ungraded = demo.find(
      (o) => o.status === 'ACTIVE' && o.kind === 'SOCIAL_SERVICE_AGENCY' && o.categories.includes('ELDERLY_CARE') && o.grade === null,
    )!;
    const inactive = demo.find(
      (o) => o.status !== 'ACTIVE' && o.kind === 'SOCIAL_SERVICE_AGENCY' && o.categories.includes('ELDERLY_CARE'),
    )!;
    const wrongKind = demo.find((o) => o.status === 'ACTIVE' && o.kind === 'ENTERPRISE')!;
    const otherCategory = demo.find(
      (o) =>
        o.status === 'ACTIVE' &&
        o.kind === 'SOCIAL_SERVICE_AGENCY' &&
        !o.categories.includes('ELDERLY_CARE') &&
        (o.grade ?? 0) >= 3 &&
        o.gradeValidUntil! > new Date().toISOString().slice(0, 10),
    )!;
    const input = { tenderId, price: '500000.00', proposal: '方案' };
    expect((await refused(graph, SUBMIT_BID, { input }, await orgAdmin(ungraded))).extensions).toMatchObject({ rule: 'BIDDER_MIN_GRADE' });
    expect((await refused(graph, SUBMIT_BID, { input }, await orgAdmin(inactive))).extensions).toMatchObject({ rule: 'BIDDER_ACTIVE' });
    expect((await refused(graph, SUBMIT_BID, { input }, await orgAdmin(wrongKind))).extensions).toMatchObject({
      rule: 'BIDDER_KIND_ELIGIBLE',
    });
    expect((await refused(graph, SUBMIT_BID, { input }, await orgAdmin(otherCategory))).extensions).toMatchObject({
      rule: 'BIDDER_SERVES_CATEGORY',
    });
    // An officer cannot bid, and the org claim is what counts, not anything in the input.
    expect((await refused(graph, SUBMIT_BID, { input }, await officer())).extensions?.code).toBe('FORBIDDEN');
    const bidId = await bid(graph, tenderId, graded, '500000.00');
    expect((await refused(graph, SUBMIT_BID, { input }, await orgAdmin(graded))).extensions).toMatchObject({
      code: 'CONFLICT',
      rule: 'ONE_BID_PER_ORGANIZATION',
    });
    const atRisk = async () => {
      const data = await ok(
        graph,
        `query ($w: AreaCode!) { tendersAtRisk(within: $w, first: 100) { edges { node { tender { id } bidCount reasons } } } }`,
        { w: WUHOU },
        await officer(),
      );
      return data.tendersAtRisk.edges.map((e: any) => e.node).find((node: any) => node.tender.id === tenderId);
    };
    expect(await atRisk()).toMatchObject({ bidCount: 1, reasons: expect.arrayContaining(['FEW_BIDS']) });
    // Withdrawn before the deadline, it may bid again; a withdrawn bid no longer counts.
    await ok(
      graph,
      `mutation ($input: WithdrawBidInput!) { withdrawBid(input: $input) { bid { withdrawn } } }`,
      { input: { bidId } },
      await orgAdmin(graded),
    );
    expect(await atRisk()).toMatchObject({ bidCount: 0 });
    const again = await bid(graph, tenderId, graded, '480000.00');
    expect(await atRisk()).toMatchObject({ bidCount: 1 });
    await closeTender(graph, tenderId);
    expect((await refused(graph, SUBMIT_BID, { input }, await orgAdmin(eligible('ELDERLY_CARE', 1)[0]!))).extensions).toMatchObject({
      rule: 'BEFORE_DEADLINE',
    });
    expect(
      (
        await refused(
          graph,
          `mutation ($input: WithdrawBidInput!) { withdrawBid(input: $input) { bid { withdrawn } } }`,
          { input: { bidId: again } },
          await orgAdmin(graded),
        )
      ).extensions,
    ).toMatchObject({ rule: 'BEFORE_DEADLINE' });
  });

  test('an invited tender takes bids from invited suppliers only', async () => {
    const projectId = await project(graph);
    const [a, b, c, outsider] = eligible('ELDERLY_CARE', 4);
    const tenderId = await openTender(graph, projectId, {
      method: 'INVITED',
      invitedSupplierIds: [a!.id, b!.id, c!.id],
      closesAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
    });
    expect(
      (await refused(graph, SUBMIT_BID, { input: { tenderId, price: '1.00', proposal: 'x' } }, await orgAdmin(outsider!))).extensions,
    ).toMatchObject({ rule: 'BIDDER_INVITED' });
    await bid(graph, tenderId, a!, '700000.00');
  });
});

describe('tenders at risk count who can actually bid', () => {
  const named = (name: string) => demo.find((o) => o.name === name)!;
  // The demo registry's elderly-care organisations serving Wuhou (seed/demo-organizations.ts).
  const fuhe = named('武侯区府河社区居家养老服务站'); // SOCIAL_SERVICE_AGENCY, 3A valid to 2029
  const rainbow = named('武侯区彩虹慈善基金会'); // FOUNDATION, 3A valid to 2030
  const abnormal = named('成都市武侯区知行慈善基金会'); // FOUNDATION, 3A, ABNORMAL
  const expired = named('武侯区书香社区养老服务中心'); // SOCIAL_SERVICE_AGENCY, 2A expired 2026-08-13
  const association = named('成都市武侯区彩虹健康促进会'); // SOCIAL_ASSOCIATION, ungraded
  const bureauOfWuhou = bureau(WUHOU); // the purchaser: a government agency
  const otherCategory = demo.find(
    (o) =>
      o.status === 'ACTIVE' &&
      o.kind === 'SOCIAL_SERVICE_AGENCY' &&
      !o.categories.includes('ELDERLY_CARE') &&
      (o.grade ?? 0) >= 3 &&
      o.gradeValidUntil! > new Date().toISOString().slice(0, 10),
  )!;
  const risk = async (tenderId: string) => {
    const data = await ok(
      graph,
      `query ($w: AreaCode!) { tendersAtRisk(within: $w, first: 100) { edges { node { tender { id } eligibleSupply bidCount reasons } } } }`,
      { w: WUHOU },
      await officer(),
    );
    return data.tendersAtRisk.edges.map((e: any) => e.node).find((node: any) => node.tender.id === tenderId);
  };
  const attempt = async (tenderId: string, org: { id: string }) => {
    const { body } = await graph.request(SUBMIT_BID, {
      variables: { input: { tenderId, price: '600000.00', proposal: '方案' } },
      token: await orgAdmin(org),
    });
    return body.errors?.[0]?.extensions?.rule ?? 'ACCEPTED';
  };

  test('a 3A-only elderly-care tender with two possible bidders shows a supply of 2 and is flagged; exactly those two may bid', async () => {
    const tenderId = await openTender(graph, await project(graph), {
      eligibleKinds: ['SOCIAL_SERVICE_AGENCY', 'FOUNDATION'],
      minGrade: 'GRADE_3A',
    });
    expect(await risk(tenderId)).toEqual({
      tender: { id: tenderId },
      eligibleSupply: 2,
      bidCount: 0,
      reasons: ['THIN_SUPPLY', 'FEW_BIDS'],
    });
    // Every organisation the registry lists for elderly care in Wuhou, and the purchaser: only the two counted get their bid in.
    const serving = demo.filter(
      (o) => o.categories.includes('ELDERLY_CARE') && o.serviceAreaCodes.some((code) => code.startsWith('510107')),
    );
    const accepted: string[] = [];
    for (const org of [...serving, bureauOfWuhou]) if ((await attempt(tenderId, org)) === 'ACCEPTED') accepted.push(org.id);
    expect(accepted.sort()).toEqual([fuhe.id, rainbow.id].sort());
  });

  test('an organisation excluded by each condition is not counted, and submitBid refuses it by that rule', async () => {
    const invited = [fuhe, abnormal, expired, association, otherCategory, bureauOfWuhou];
    const tenderId = await openTender(graph, await project(graph), {
      method: 'INVITED',
      invitedSupplierIds: invited.map((o) => o.id),
      eligibleKinds: ['SOCIAL_SERVICE_AGENCY', 'FOUNDATION'],
      minGrade: 'GRADE_3A',
      closesAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
    });
    // Only 府河 counts: the rainbow foundation would qualify but is not invited.
    expect(await risk(tenderId)).toMatchObject({ eligibleSupply: 1, reasons: ['THIN_SUPPLY', 'FEW_BIDS'] });
    expect(await attempt(tenderId, rainbow)).toBe('BIDDER_INVITED');
    expect(await attempt(tenderId, abnormal)).toBe('BIDDER_ACTIVE');
    expect(await attempt(tenderId, expired)).toBe('BIDDER_MIN_GRADE');
    expect(await attempt(tenderId, association)).toBe('BIDDER_KIND_ELIGIBLE');
    expect(await attempt(tenderId, otherCategory)).toBe('BIDDER_SERVES_CATEGORY');
    expect(await attempt(tenderId, bureauOfWuhou)).toBe('BIDDER_NOT_AGENCY');
    expect(await attempt(tenderId, fuhe)).toBe('ACCEPTED');
    expect(await risk(tenderId)).toMatchObject({ eligibleSupply: 1, bidCount: 1 });
  });
});

describe('tender workflow', () => {
  test('an active tender is cancelled with a reason; an awarded one cannot be; the project returns to planning', async () => {
    const CANCEL = `mutation ($input: CancelTenderInput!) { cancelTender(input: $input) { tender { status project { status } } } }`;
    const tenderId = await openTender(graph, await project(graph));
    expect((await refused(graph, CANCEL, { input: { tenderId, reason: ' ' } }, await officer())).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.reason',
    });
    expect(
      (await refused(graph, CANCEL, { input: { tenderId, reason: '预算调整' } }, await officer('510104000000'))).extensions?.code,
    ).toBe('FORBIDDEN');
    const done = await ok(graph, CANCEL, { input: { tenderId, reason: '预算调整' } }, await officer());
    expect(done.cancelTender.tender).toEqual({ status: 'CANCELLED', project: { status: 'PLANNED' } });
    expect((await refused(graph, CANCEL, { input: { tenderId, reason: '再次' } }, await officer())).extensions).toMatchObject({
      code: 'INVALID_TRANSITION',
      from: 'CANCELLED',
      to: 'CANCELLED',
    });
    const { tenderId: awardedId, bidIds } = await awarded(graph);
    expect((await refused(graph, CANCEL, { input: { tenderId: awardedId, reason: 'x' } }, await officer())).extensions).toMatchObject({
      code: 'INVALID_TRANSITION',
      from: 'AWARDED',
    });
    expect(
      (
        await refused(
          graph,
          EVALUATE,
          {
            input: {
              tenderId: awardedId,
              expectedVersion: await versionOf(graph, 'tender', awardedId),
              scores: bidIds.map((bidId) => ({ bidId, qualified: true })),
            },
          },
          await officer(),
        )
      ).extensions,
    ).toMatchObject({ code: 'INVALID_TRANSITION', from: 'AWARDED' });
  });
});

describe('sealed bids', () => {
  test('before the deadline nobody but the bidder sees a price: not a competitor, the purchaser or a city admin', async () => {
    const projectId = await project(graph);
    const tenderId = await openTender(graph, projectId);
    const [mine, competitor] = eligible('ELDERLY_CARE', 2);
    const bidId = await bid(graph, tenderId, mine!, '612345.67');
    await bid(graph, tenderId, competitor!, '600000.00');
    const query = `query ($id: ID!) { procurementProject(id: $id) { tenders { bidCount bids { id price { amount } proposal } } } }`;
    const ownBids = `query ($id: ID!) { _entities(representations: [{ __typename: "Organization", id: $id }]) { ... on Organization { bids { edges { node { id price { amount } } } } } } }`;
    for (const token of [await officer(), await tokenFor({ roles: ['CITY_ADMIN'], area: '510100000000' })]) {
      const { body } = await graph.request(query, { variables: { id: projectId }, token });
      const tender = body.data!.procurementProject.tenders[0];
      expect(tender.bidCount).toBe(2);
      expect(tender.bids.every((b: { price: unknown }) => b.price === null)).toBe(true);
      expect(body.errors!.every((e) => e.extensions!.code === 'FORBIDDEN')).toBe(true);
      expect(JSON.stringify(body)).not.toContain('612345.67');
    }
    // A competitor cannot list the bids, and cannot read another's bids through the organisation.
    const competitorView = await graph.request(query, { variables: { id: projectId }, token: await orgAdmin(competitor!) });
    expect(JSON.stringify(competitorView.body)).not.toContain('612345.67');
    expect(competitorView.body.data!.procurementProject.tenders[0].bids).toBeNull();
    const viaEntity = await graph.request(`query ($id: ID!) { contract(id: $id) { id } }`, {
      variables: { id: bidId },
      token: await orgAdmin(competitor!),
    });
    expect(JSON.stringify(viaEntity.body)).not.toContain('612345.67');
    void ownBids;
    // The bidder sees its own price through its organisation.
    const own = await ok(
      graph,
      `query ($id: ID!) { organization(id: $id) { procurementBids: bids { edges { node { id price { amount } } } } } }`,
      { id: mine!.id },
      await orgAdmin(mine!),
    );
    expect(own.organization.procurementBids.edges.map((e: { node: { price: { amount: string } } }) => e.node.price.amount)).toContain(
      '612345.67',
    );
    // After the deadline the purchaser's officers read every price.
    await closeTender(graph, tenderId);
    const after = await ok(graph, query, { id: projectId }, await officer());
    expect(after.procurementProject.tenders[0].bids.map((b: { price: { amount: string } }) => b.price.amount).sort()).toEqual([
      '600000.00',
      '612345.67',
    ]);
  });
});

describe('evaluation and award', () => {
  test('an open tender with fewer than 3 qualified bids fails; the project returns for re-tender or a recorded method change', async () => {
    const projectId = await project(graph);
    const tenderId = await openTender(graph, projectId);
    const bidders = eligible('ELDERLY_CARE', 3);
    const ids = [];
    for (const org of bidders) ids.push(await bid(graph, tenderId, org, '500000.00'));
    // Evaluating before the deadline is refused.
    expect(
      (
        await refused(
          graph,
          EVALUATE,
          {
            input: {
              tenderId,
              expectedVersion: await versionOf(graph, 'tender', tenderId),
              scores: ids.map((bidId) => ({ bidId, qualified: true })),
            },
          },
          await officer(),
        )
      ).extensions,
    ).toMatchObject({ rule: 'AFTER_DEADLINE' });
    await closeTender(graph, tenderId);
    const data = await ok(
      graph,
      EVALUATE,
      {
        input: {
          tenderId,
          expectedVersion: await versionOf(graph, 'tender', tenderId),
          scores: ids.map((bidId, i) => ({ bidId, qualified: i !== 0 })),
        },
      },
      await officer(),
    );
    expect(data.evaluateTender.tender).toMatchObject({ status: 'UNSUCCESSFUL', award: null });
    const status = await ok(graph, `query ($id: ID!) { procurementProject(id: $id) { status } }`, { id: projectId });
    expect(status.procurementProject.status).toBe('PLANNED');
    const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();
    const input = {
      projectId,
      method: 'COMPETITIVE_CONSULTATION',
      awardCriteria: 'RATED',
      eligibleKinds: ['SOCIAL_SERVICE_AGENCY'],
      opensAt: days(0),
      closesAt: days(10),
    };
    expect((await refused(graph, PUBLISH_TENDER, { input }, await officer())).extensions).toMatchObject({
      rule: 'METHOD_CHANGE_RECORDED',
      field: 'input.methodChangeReason',
    });
    const changed = await ok(
      graph,
      PUBLISH_TENDER,
      { input: { ...input, methodChangeReason: '公开招标流标，合格供应商不足三家' } },
      await officer(),
    );
    expect(changed.publishTender.tender.method).toBe('COMPETITIVE_CONSULTATION');
  });

  test('three qualified bids award the lowest price, with objections open 7 working days and signing 30 days', async () => {
    const { award, bidders } = await awarded(graph, ['700000.00', '650000.00', '720000.00']);
    expect(award.amount.amount).toBe('650000.00');
    expect(award.supplier.id).toBe(bidders[1]!.id);
    const weekday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay();
    let working = 0;
    for (let d = new Date(`${award.noticeDate}T00:00:00Z`); d.toISOString().slice(0, 10) < award.objectionDeadline;) {
      d.setUTCDate(d.getUTCDate() + 1);
      const day = d.toISOString().slice(0, 10);
      if (![0, 6].includes(weekday(day))) working++;
    }
    expect(working).toBeGreaterThanOrEqual(7);
    expect(![0, 6].includes(weekday(award.objectionDeadline))).toBe(true);
    expect(Date.parse(award.signBy) - Date.parse(award.noticeDate)).toBe(30 * 86_400_000);
  });

  test('a bidder objects within the deadline; a non-bidder and a late objection are refused', async () => {
    const { tenderId, bidders } = await awarded(graph);
    const FILE = `mutation ($input: FileObjectionInput!) { fileObjection(input: $input) { objection { id reason } } }`;
    await ok(graph, FILE, { input: { tenderId, reason: '评审程序有误' } }, await orgAdmin(bidders[0]!));
    const outsider = eligible(
      'ELDERLY_CARE',
      1,
      bidders.map((b) => b.id),
    )[0]!;
    expect((await refused(graph, FILE, { input: { tenderId, reason: '异议' } }, await orgAdmin(outsider))).extensions?.code).toBe(
      'FORBIDDEN',
    );
    await graph.database.query(`UPDATE procurement.tender SET objection_deadline = current_date - 1 WHERE id = $1::uuid`, [tenderId]);
    expect((await refused(graph, FILE, { input: { tenderId, reason: '异议' } }, await orgAdmin(bidders[2]!))).extensions).toMatchObject({
      rule: 'OBJECTION_WITHIN_7_WORKING_DAYS',
    });
  });
});

describe('contracts', () => {
  test('the value is not above the award, and signing is within 30 days of the notice', async () => {
    const { tenderId } = await awarded(graph);
    const input = {
      tenderId,
      startsOn: '2026-12-01',
      endsOn: '2027-11-30',
      milestones: [{ title: '中期', deliverable: '报告', dueOn: '2027-06-01' }],
    };
    expect((await refused(graph, CREATE_CONTRACT, { input: { ...input, value: '650000.01' } }, await officer())).extensions).toMatchObject({
      rule: 'VALUE_NOT_ABOVE_AWARD',
      field: 'input.value',
    });
    const created = await ok(graph, CREATE_CONTRACT, { input: { ...input, value: '650000.00' } }, await officer());
    const contractId = created.createContract.contract.id;
    expect(created.createContract.contract.status).toBe('PENDING');
    await graph.database.query(
      `UPDATE procurement.tender SET award_notice_date = (now() AT TIME ZONE 'Asia/Shanghai')::date - 31 WHERE id = $1::uuid`,
      [tenderId],
    );
    expect(
      (
        await refused(
          graph,
          CHANGE_CONTRACT,
          { input: { contractId, expectedVersion: await versionOf(graph, 'contract', contractId), to: 'ACTIVE' } },
          await officer(),
        )
      ).extensions,
    ).toMatchObject({ rule: 'SIGN_WITHIN_30_DAYS' });
    await graph.database.query(
      `UPDATE procurement.tender SET award_notice_date = (now() AT TIME ZONE 'Asia/Shanghai')::date - 30 WHERE id = $1::uuid`,
      [tenderId],
    );
    const signed = await ok(
      graph,
      CHANGE_CONTRACT,
      { input: { contractId, expectedVersion: await versionOf(graph, 'contract', contractId), to: 'ACTIVE' } },
      await officer(),
    );
    expect(signed.changeContractStatus.contract.status).toBe('ACTIVE');
  });

  test('contract workflow, transition by transition: allowed and refused', async () => {
    const { contractId } = await activeContract(graph);
    const token = await officer();
    expect(
      (
        await refused(
          graph,
          CHANGE_CONTRACT,
          { input: { contractId, expectedVersion: await versionOf(graph, 'contract', contractId), to: 'PENDING' } },
          token,
        )
      ).extensions?.code,
    ).toBe('INVALID_TRANSITION');
    expect(
      (
        await refused(
          graph,
          CHANGE_CONTRACT,
          { input: { contractId, expectedVersion: await versionOf(graph, 'contract', contractId), to: 'TERMINATED' } },
          token,
        )
      ).extensions,
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reason' });
    expect(
      (
        await refused(
          graph,
          CHANGE_CONTRACT,
          { input: { contractId, expectedVersion: await versionOf(graph, 'contract', contractId), to: 'COMPLETED' } },
          await officer('510104000000'),
        )
      ).extensions?.code,
    ).toBe('FORBIDDEN');
    const done = await ok(
      graph,
      CHANGE_CONTRACT,
      { input: { contractId, expectedVersion: await versionOf(graph, 'contract', contractId), to: 'COMPLETED' } },
      token,
    );
    expect(done.changeContractStatus.contract.status).toBe('COMPLETED');
    expect(
      (
        await refused(
          graph,
          CHANGE_CONTRACT,
          { input: { contractId, expectedVersion: await versionOf(graph, 'contract', contractId), to: 'TERMINATED', reason: 'x' } },
          token,
        )
      ).extensions?.code,
    ).toBe('INVALID_TRANSITION');
    const other = await activeContract(graph);
    const ended = await ok(
      graph,
      CHANGE_CONTRACT,
      {
        input: {
          contractId: other.contractId,
          expectedVersion: await versionOf(graph, 'contract', other.contractId),
          to: 'TERMINATED',
          reason: '服务机构严重违约',
        },
      },
      token,
    );
    expect(ended.changeContractStatus.contract).toMatchObject({ status: 'TERMINATED', terminationReason: '服务机构严重违约' });
  });

  test('payments never exceed the value; supplementary agreements add at most 10% in total', async () => {
    const { contractId } = await activeContract(graph, '600000.00');
    const token = await officer();
    await ok(graph, RECORD_PAYMENT, { input: { contractId, amount: '500000.00', paidOn: '2026-12-10' } }, token);
    expect(
      (await refused(graph, RECORD_PAYMENT, { input: { contractId, amount: '100000.01', paidOn: '2026-12-11' } }, token)).extensions,
    ).toMatchObject({ rule: 'PAYMENTS_WITHIN_VALUE' });
    const SUPPLEMENT = `mutation ($input: AddSupplementaryAgreementInput!) { addSupplementaryAgreement(input: $input) { contract { value { amount } } } }`;
    await ok(graph, SUPPLEMENT, { input: { contractId, amount: '40000.00', reason: '增加服务人次' } }, token);
    expect(
      (await refused(graph, SUPPLEMENT, { input: { contractId, amount: '20000.01', reason: '再增加' } }, token)).extensions,
    ).toMatchObject({ rule: 'SUPPLEMENTS_AT_MOST_TEN_PERCENT' });
    const last = await ok(graph, SUPPLEMENT, { input: { contractId, amount: '20000.00', reason: '再增加' } }, token);
    expect(last.addSupplementaryAgreement.contract.value.amount).toBe('660000.00');
    const paid = await ok(graph, RECORD_PAYMENT, { input: { contractId, amount: '160000.00', paidOn: '2026-12-12' } }, token);
    expect(paid.recordPayment.contract.paid.amount).toBe('660000.00');
  });

  test("a project's audit trail holds every step under it, in order, with actors; only officers covering it read it", async () => {
    const { projectId, tenderId, bidIds, contractId, milestoneIds } = await activeContract(graph);
    const token = await officer();
    await ok(graph, RECORD_PAYMENT, { input: { contractId, amount: '100000.00', paidOn: '2026-12-10' } }, token);
    const HISTORY = `query ($id: ID!) { procurementProject(id: $id) { history { entityType entityId action actor actorOrganizationId reason } } }`;
    const { history } = (await ok(graph, HISTORY, { id: projectId }, token)).procurementProject;
    const steps = history.map((e: { entityType: string; action: string }) => `${e.entityType}:${e.action}`);
    expect(steps).toEqual([
      'Project:CREATE',
      'Tender:PUBLISH',
      'Bid:SUBMIT',
      'Bid:SUBMIT',
      'Bid:SUBMIT',
      'Tender:AWARD',
      'Contract:CREATE',
      'Contract:STATUS_ACTIVE',
      'Payment:RECORD',
    ]);
    expect(history.slice(0, 2).map((e: { entityId: string }) => e.entityId)).toEqual([projectId, tenderId]);
    expect(
      history
        .filter((e: { entityType: string }) => e.entityType === 'Bid')
        .map((e: { entityId: string }) => e.entityId)
        .sort(),
    ).toEqual([...bidIds].sort());
    expect(history.filter((e: { entityType: string }) => e.entityType === 'Contract').map((e: { entityId: string }) => e.entityId)).toEqual(
      [contractId, contractId],
    );
    // The bidders acted for their organisations; the officer for none.
    expect(
      history
        .filter((e: { entityType: string }) => e.entityType === 'Bid')
        .every((e: { actorOrganizationId: string | null }) => e.actorOrganizationId),
    ).toBe(true);
    expect(history[0].actor).toBeTruthy();
    expect(milestoneIds).toHaveLength(1);
    // Another project's steps never leak into this trail.
    const other = await activeContract(graph);
    const again = (await ok(graph, HISTORY, { id: projectId }, token)).procurementProject.history;
    expect(again).toEqual(history);
    expect(again.some((e: { entityId: string }) => e.entityId === other.contractId)).toBe(false);

    for (const [who, caller] of [
      ['another district', await officer('510104000000')],
      ['a supplier', await orgAdmin(other.bidders[0]!)],
    ] as const) {
      const response = await graph.request(HISTORY, { token: caller, variables: { id: projectId } });
      expect([who, response.body.errors?.[0]?.extensions?.code]).toEqual([who, 'FORBIDDEN']);
    }
  });

  test('a third-party evaluator scores the contract; the result shows on the supplier', async () => {
    const { contractId, bidders, award } = await activeContract(graph);
    const supplier = bidders.find((b) => b.id === award.supplier.id)!;
    const evaluator = eligible(
      'SOCIAL_WORK',
      1,
      bidders.map((b) => b.id),
    )[0]!;
    const ASSIGN = `mutation ($input: AssignEvaluationInput!) { assignEvaluation(input: $input) { evaluation { id status } } }`;
    expect((await refused(graph, ASSIGN, { input: { contractId, evaluatorId: supplier.id } }, await officer())).extensions).toMatchObject({
      rule: 'THIRD_PARTY_EVALUATOR',
    });
    expect(
      (await refused(graph, ASSIGN, { input: { contractId, evaluatorId: bureau(WUHOU).id } }, await officer())).extensions,
    ).toMatchObject({ rule: 'THIRD_PARTY_EVALUATOR' });
    const assigned = await ok(graph, ASSIGN, { input: { contractId, evaluatorId: evaluator.id } }, await officer());
    const evaluationId = assigned.assignEvaluation.evaluation.id;
    const SUBMIT = `mutation ($input: SubmitEvaluationInput!) { submitEvaluation(input: $input) { evaluation { status overallScore grade residentSatisfaction } } }`;
    const input = {
      evaluationId,
      scores: [
        { indicator: '服务人次', score: 92 },
        { indicator: '服务质量', score: 88 },
      ],
      residentSatisfaction: 95.5,
      grade: 'EXCELLENT',
    };
    expect((await refused(graph, SUBMIT, { input }, await evaluatorToken(bidders[0]!))).extensions?.code).toBe('FORBIDDEN');
    const done = await ok(graph, SUBMIT, { input }, await evaluatorToken(evaluator));
    expect(done.submitEvaluation.evaluation).toEqual({
      status: 'COMPLETED',
      overallScore: 90,
      grade: 'EXCELLENT',
      residentSatisfaction: 95.5,
    });
    const onSupplier = await ok(
      graph,
      `query ($id: ID!) { organization(id: $id) { name contractPerformance { grade overallScore evaluator { name } } } }`,
      { id: supplier.id },
    );
    expect(onSupplier.organization.contractPerformance).toContainEqual({
      grade: 'EXCELLENT',
      overallScore: 90,
      evaluator: { name: evaluator.name },
    });
  });
});
