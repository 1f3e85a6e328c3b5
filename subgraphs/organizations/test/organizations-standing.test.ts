import { todayIn } from '../../../lib/kernel/dates';
import { demoCreditRecords, demoOrganizations } from '../../../seed/demo-organizations';
import { seedOrganizations } from '../prisma/seed';
import {
  bid,
  closeTender,
  eligible,
  officer,
  ok,
  openTender,
  orgAdmin,
  project,
  refused,
  SUBMIT_BID,
  versionOf,
} from '../../procurement/test/graph-support';
import { startTestGraph, type TestGraph } from '../../../test/support/graph';
import { tokenFor } from '../../../test/support/tokens';

/** Who was listed when, through the real gateway over the seeded demo city. */

const organizations = demoOrganizations();
const records = demoCreditRecords(organizations);
const removedEntry = records.listEntries.find((e) => e.removedOn !== null)!;
const openEntry = records.listEntries.find((e) => e.removedOn === null)!;
const penalty = records.penalties[0]!;

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph({ seed: true });
});
afterAll(async () => {
  await graph?.stop();
});

const STANDING = `query ($id: ID!, $asOf: DateTime) {
  organization(id: $id) {
    status
    standing(asOf: $asOf) {
      onDay listed lists
      listings { id list state listedOn reason authority documentNumber removedOn removalDocumentNumber version }
      penaltiesInForce { kind penalty authority documentNumber inForceFrom inForceUntil }
      latestInspection { year result concludedOn }
    }
  }
}`;

async function standing(id: string, asOf?: string) {
  const { body } = await graph.request(STANDING, { variables: { id, asOf } });
  expect(body.errors).toBeUndefined();
  return body.data!.organization as { status: string; standing: Record<string, any> };
}

describe('the demo registry, read anonymously as the platform publishes it', () => {
  test('a body listed in 2024 and removed after it caught up: listed that summer, not today, the entry kept with both documents', async () => {
    const then = await standing(removedEntry.organizationId, '2024-08-01T10:00:00+08:00');
    expect(then.standing).toMatchObject({
      onDay: '2024-08-01',
      listed: true,
      lists: ['ABNORMAL_ACTIVITY'],
      listings: [
        {
          id: removedEntry.id,
          state: 'LISTED',
          listedOn: '2024-07-01',
          authority: removedEntry.authority,
          documentNumber: removedEntry.documentNumber,
          removedOn: '2024-11-15',
          removalDocumentNumber: removedEntry.removalDocumentNumber,
        },
      ],
      latestInspection: { year: 2023, result: 'NOT_INSPECTED' },
    });
    const now = await standing(removedEntry.organizationId);
    expect(now.standing).toMatchObject({ listed: false, lists: [], listings: [], latestInspection: { year: 2024, result: 'QUALIFIED' } });
    const { body } = await graph.request('query ($id: ID!) { organization(id: $id) { listEntries { id state removedOn } } }', {
      variables: { id: removedEntry.organizationId },
    });
    expect(body.data!.organization.listEntries).toEqual([{ id: removedEntry.id, state: 'REMOVED', removedOn: '2024-11-15' }]);
  });

  test('an abnormal body is on the abnormal-activity list today; a warned body has its penalty in force until its last day', async () => {
    expect(await standing(openEntry.organizationId)).toMatchObject({
      status: 'ABNORMAL',
      standing: {
        listed: true,
        lists: ['ABNORMAL_ACTIVITY'],
        listings: [{ id: openEntry.id, state: 'LISTED', documentNumber: openEntry.documentNumber }],
      },
    });
    expect((await standing(openEntry.organizationId, '2025-06-29T12:00:00+08:00')).standing.listed).toBe(false);
    const warned = await standing(penalty.organizationId, '2027-05-11T23:59:59+08:00');
    expect(warned.standing).toMatchObject({
      listed: false,
      penaltiesInForce: [
        {
          kind: 'WARNING',
          penalty: '警告',
          authority: penalty.authority,
          documentNumber: penalty.documentNumber,
          inForceFrom: '2026-05-12',
          inForceUntil: '2027-05-11',
        },
      ],
    });
    expect((await standing(penalty.organizationId, '2027-05-12T00:00:00+08:00')).standing.penaltiesInForce).toEqual([]);
  });

  test('a page of organisations reads every standing with one statement per record table', async () => {
    const before = graph.statements.length;
    const { body } = await graph.request(
      '{ organizations(first: 100) { edges { node { id standing { listed penaltiesInForce { kind } latestInspection { year } } } } } }',
    );
    expect(body.errors).toBeUndefined();
    const sql = graph.statements.slice(before);
    for (const table of ['list_entry', 'penalty', 'annual_inspection']) {
      expect({ table, statements: sql.filter((statement) => statement.includes(`"organizations"."${table}"`)).length }).toEqual({
        table,
        statements: 1,
      });
    }
    const listed = new Set(records.listEntries.filter((e) => e.removedOn === null).map((e) => e.organizationId));
    for (const { node } of body.data!.organizations.edges as { node: { id: string; standing: { listed: boolean } } }[]) {
      expect({ id: node.id, listed: node.standing.listed }).toEqual({ id: node.id, listed: listed.has(node.id) });
    }
  });

  test('seeding again changes nothing', async () => {
    const counts = () =>
      graph.database.query(
        `SELECT (SELECT count(*)::int FROM organizations.list_entry) AS l, (SELECT count(*)::int FROM organizations.penalty) AS p,
                (SELECT count(*)::int FROM organizations.annual_inspection) AS i`,
      );
    const before = await counts();
    expect(before).toEqual([{ l: records.listEntries.length, p: records.penalties.length, i: records.inspections.length }]);
    await graph.database.withSession((session) => seedOrganizations(session));
    expect(await counts()).toEqual(before);
  });
});

describe('the authority records, through the gateway', () => {
  test('the district lists and removes a body of its own; another district and the body itself are refused; the public sees the result', async () => {
    const body = organizations.find(
      (o) =>
        o.status === 'ACTIVE' &&
        o.role === 'SOCIAL_ORGANIZATION' &&
        o.kind === 'SOCIAL_SERVICE_AGENCY' &&
        o.registrationArea === '510104000000' &&
        !records.listEntries.some((e) => e.organizationId === o.id),
    )!;
    const jinjiang = await tokenFor({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510104000000' });
    const qingyang = await tokenFor({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510105000000' });
    const own = await tokenFor({ roles: ['ORG_ADMIN'], area: '510104000000', org: body.id });
    const LIST =
      'mutation ($input: RecordListingInput!) { recordListing(input: $input) { entry { id state version } organization { standing { listed lists } } } }';
    const input = {
      organizationId: body.id,
      list: 'SERIOUS_VIOLATION',
      listedOn: '2026-01-05',
      reason: '弄虚作假骗取政府购买服务资金',
      authority: '成都市锦江区民政局',
      documentNumber: '锦民失〔2026〕1号',
    };

    for (const token of [qingyang, own]) {
      const refused = await graph.request(LIST, { variables: { input }, token });
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect((await graph.request(LIST, { variables: { input } })).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const listed = await graph.request(LIST, { variables: { input }, token: jinjiang });
    expect(listed.body.errors).toBeUndefined();
    expect(listed.body.data!.recordListing).toMatchObject({
      entry: { state: 'LISTED', version: 1 },
      organization: { standing: { listed: true, lists: ['SERIOUS_VIOLATION'] } },
    });
    const entryId = listed.body.data!.recordListing.entry.id as string;

    const REMOVE =
      'mutation ($input: RecordRemovalInput!) { recordRemoval(input: $input) { entry { state removedOn } organization { standing { listed } } } }';
    const early = await graph.request(REMOVE, {
      variables: { input: { entryId, expectedVersion: 1, removedOn: '2026-01-04', documentNumber: '锦民移〔2026〕1号' } },
      token: jinjiang,
    });
    expect(early.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.removedOn',
      rule: 'REMOVAL_BEFORE_LISTING',
    });
    const removed = await graph.request(REMOVE, {
      variables: { input: { entryId, expectedVersion: 1, removedOn: '2026-03-01', documentNumber: '锦民移〔2026〕1号' } },
      token: jinjiang,
    });
    expect(removed.body.errors).toBeUndefined();
    expect(removed.body.data!.recordRemoval).toEqual({
      entry: { state: 'REMOVED', removedOn: '2026-03-01' },
      organization: { standing: { listed: false } },
    });
    const again = await graph.request(REMOVE, {
      variables: { input: { entryId, expectedVersion: 2, removedOn: '2026-03-02', documentNumber: '锦民移〔2026〕2号' } },
      token: jinjiang,
    });
    expect(again.body.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', rule: 'LISTING_ALREADY_REMOVED' });

    expect((await standing(body.id, '2026-02-01T12:00:00+08:00')).standing).toMatchObject({
      listed: true,
      lists: ['SERIOUS_VIOLATION'],
      listings: [{ id: entryId, state: 'LISTED' }],
    });
    expect((await standing(body.id, '2026-03-01T00:00:00+08:00')).standing.listed).toBe(false);
  });
});

describe('procurement checks standing at the bid and again at the award', () => {
  // Bidders with no demo credit record, each test its own, so one test's listing never meets another's tender.
  const withRecords = new Set([...records.listEntries, ...records.penalties].map((r) => r.organizationId));
  const bidders = eligible('ELDERLY_CARE', 36)
    .filter((o) => !withRecords.has(o.id))
    .slice(-14);
  const take = (() => {
    let next = 0;
    return (n: number) => bidders.slice(next, (next += n));
  })();
  const EVALUATE = `mutation ($input: EvaluateTenderInput!) {
    evaluateTender(input: $input) {
      tender { status award { supplier { id } amount { amount } } bids { id qualified } }
      refusals { bid { id } rule message listing { id list listedOn authority documentNumber } }
    }
  }`;

  /** The city's civil-affairs authority lists the body today; returns the entry. */
  async function listToday(
    organization: { id: string; registrationArea: string },
    list = 'SERIOUS_VIOLATION',
    documentNumber = `失〔2026〕${organization.id.slice(0, 6)}号`,
  ) {
    const token = await tokenFor({ roles: ['CITY_ADMIN'], area: `${organization.registrationArea.slice(0, 4)}00000000` });
    const today = todayIn('Asia/Shanghai');
    const data = await ok(
      graph,
      'mutation ($input: RecordListingInput!) { recordListing(input: $input) { entry { id version listedOn } } }',
      {
        input: {
          organizationId: organization.id,
          list,
          listedOn: today,
          reason: '提供虚假材料',
          authority: '成都市民政局',
          documentNumber,
        },
      },
      token,
    );
    return { ...(data.recordListing.entry as { id: string; version: number; listedOn: string }), token, documentNumber };
  }

  async function evaluate(tenderId: string, bidIds: string[]) {
    await closeTender(graph, tenderId);
    return (
      await ok(
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
      )
    ).evaluateTender;
  }

  test('listed before its bid: the bid is refused with the rule and the listing named', async () => {
    const [listed] = take(1);
    const tenderId = await openTender(graph, await project(graph));
    const entry = await listToday(listed!, 'ABNORMAL_ACTIVITY');
    const error = await refused(
      graph,
      SUBMIT_BID,
      { input: { tenderId, price: '500000.00', proposal: '服务方案' } },
      await orgAdmin(listed!),
    );
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', rule: 'BIDDER_NOT_LISTED' });
    expect(error.message).toContain(entry.documentNumber);
    expect(error.message).toContain('ABNORMAL_ACTIVITY');
  });

  test('listed between its bid and the award: refused the award with the rule and the listing, the next ranked bid wins', async () => {
    const four = take(4);
    const tenderId = await openTender(graph, await project(graph));
    const prices = ['500000.00', '520000.00', '540000.00', '560000.00'];
    const bidIds: string[] = [];
    for (const [i, organization] of four.entries()) bidIds.push(await bid(graph, tenderId, organization, prices[i]!));
    const entry = await listToday(four[0]!);
    const result = await evaluate(tenderId, bidIds);
    expect(result.tender.status).toBe('AWARDED');
    expect(result.tender.award).toEqual({ supplier: { id: four[1]!.id }, amount: { amount: '520000.00' } });
    expect(result.refusals).toEqual([
      {
        bid: { id: bidIds[0] },
        rule: 'BIDDER_LISTED_AT_AWARD',
        message: expect.stringContaining(entry.documentNumber),
        listing: {
          id: entry.id,
          list: 'SERIOUS_VIOLATION',
          listedOn: entry.listedOn,
          authority: '成都市民政局',
          documentNumber: entry.documentNumber,
        },
      },
    ]);
    expect(result.tender.bids.find((b: { id: string }) => b.id === bidIds[0])).toEqual({ id: bidIds[0], qualified: false });
  });

  test('listed between its bid and the award with three bids: too few remain, the open tender fails', async () => {
    const three = take(3);
    const tenderId = await openTender(graph, await project(graph));
    const bidIds: string[] = [];
    for (const organization of three) bidIds.push(await bid(graph, tenderId, organization, '600000.00'));
    await listToday(three[2]!, 'ABNORMAL_ACTIVITY');
    const result = await evaluate(tenderId, bidIds);
    expect(result.tender).toMatchObject({ status: 'UNSUCCESSFUL', award: null });
    expect(result.refusals.map((r: { bid: { id: string }; rule: string }) => [r.bid.id, r.rule])).toEqual([
      [bidIds[2], 'BIDDER_LISTED_AT_AWARD'],
    ]);
  });

  test('listed after its bid but removed before the award: the award stands', async () => {
    const three = take(3);
    const tenderId = await openTender(graph, await project(graph));
    const bidIds: string[] = [];
    for (const [i, organization] of three.entries()) bidIds.push(await bid(graph, tenderId, organization, `${700 + i}000.00`));
    const entry = await listToday(three[0]!);
    await ok(
      graph,
      'mutation ($input: RecordRemovalInput!) { recordRemoval(input: $input) { entry { state } } }',
      // Removed on the day it was listed: on no day is it in force.
      { input: { entryId: entry.id, expectedVersion: entry.version, removedOn: entry.listedOn, documentNumber: '移〔2026〕1号' } },
      entry.token,
    );
    const result = await evaluate(tenderId, bidIds);
    expect(result).toMatchObject({ tender: { status: 'AWARDED', award: { supplier: { id: three[0]!.id } } }, refusals: [] });
  });
});
