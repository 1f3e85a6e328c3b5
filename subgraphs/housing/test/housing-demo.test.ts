import { todayIn } from '../../../lib/kernel/dates';
import { demoCity } from '../../../seed/demo-city';
import { startTestGraph, type TestGraph } from '../../../test/support/graph';
import { tokenFor } from '../../../test/support/tokens';
import { seedHousing } from '../prisma/seed';

/** The housing demo data, compliance and shortfall against independent computation, leases, statement counts. */

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph({ seed: true });
});
afterAll(async () => {
  await graph?.stop();
});

const STATES = [
  'PLANNED',
  'PLAN_APPROVED',
  'PUBLICLY_NOTICED',
  'UNDER_CONSTRUCTION',
  'INSPECTION_REQUESTED',
  'ACCEPTED',
  'REJECTED',
  'RECTIFIED',
  'HANDED_OVER',
  'IN_USE',
];
const districts = [...new Set(demoCity().communities.map((c) => `${c.code.slice(0, 6)}000000`))];

/** The demo city's day. */
const today = () => todayIn('Asia/Shanghai');

describe('demo data', () => {
  test('every district has premises in every state, a rejected basement, a one-sign-off plan, every buyback state and a stuck one', async () => {
    const rows = await graph.database.query<{ district: string; state: string; n: number }>(
      `SELECT substr(community_code, 1, 6) || '000000' AS district, state::text AS state, count(*)::int AS n FROM housing.premises GROUP BY 1, 2`,
    );
    for (const district of districts) {
      expect(STATES.filter((s) => !rows.some((r) => r.district === district && r.state === s))).toEqual([]);
    }
    const checks = await graph.database.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM housing.inspection WHERE outcome = 'REJECTED' AND NOT above_ground) AS basements,
              (SELECT count(*)::int FROM (SELECT premises_id FROM housing.plan_sign_off s JOIN housing.premises p ON p.id = s.premises_id
                 WHERE p.state = 'PLANNED' GROUP BY premises_id HAVING count(*) = 1) x) AS one_sign_off,
              (SELECT count(DISTINCT state)::int FROM housing.buyback) AS buyback_states,
              (SELECT count(*)::int FROM housing.premises p JOIN housing.development d ON d.id = p.development_id
                 WHERE d.acquisition = 'BUYBACK' AND p.state = 'ACCEPTED' AND NOT EXISTS (SELECT 1 FROM housing.buyback b WHERE b.premises_id = p.id)) AS stuck,
              (SELECT count(*)::int FROM housing.lease WHERE ends_on BETWEEN current_date AND current_date + 30) AS expiring`,
    );
    expect(checks[0]!.basements).toBeGreaterThanOrEqual(districts.length);
    expect(checks[0]!.one_sign_off).toBeGreaterThanOrEqual(districts.length);
    expect(checks[0]!.buyback_states).toBe(3);
    expect(checks[0]!.stuck).toBeGreaterThanOrEqual(districts.length);
    expect(checks[0]!.expiring).toBeGreaterThan(0);
  });

  test('seeding again changes nothing', async () => {
    const counts = () =>
      graph.database.query(
        `SELECT (SELECT count(*) FROM housing.development) d, (SELECT count(*) FROM housing.premises) p, (SELECT count(*) FROM housing.lease) l,
                (SELECT count(*) FROM housing.audit_event) a, (SELECT count(*) FROM housing.inspection) i, (SELECT count(*) FROM housing.reference_price) r`,
      );
    const before = await counts();
    await graph.database.withSession((session) => seedHousing(session));
    expect(await counts()).toEqual(before);
  });

  test("a developer's developments through Organization, and a community's premises through Community", async () => {
    const [row] = await graph.database.query<{ developer: string; n: number }>(
      `SELECT developer_id::text AS developer, count(*)::int AS n FROM housing.development GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`,
    );
    const { body } = await graph.request(
      `query ($id: ID!) { organization(id: $id) { name kind developments(first: 100) { totalCount edges { node { name developer { id } } } } } }`,
      {
        variables: { id: row!.developer },
      },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.organization.kind).toBe('ENTERPRISE');
    expect(body.data?.organization.developments.totalCount).toBe(row!.n);
    expect(body.data?.organization.developments.edges).toHaveLength(row!.n);
  });
});

/** Compliance computed here from the raw rows and the city standard (350 m², 30 m² per 100 households). */
async function expectedCompliance(within: string) {
  const communities = demoCity().communities.filter((c) => c.code.startsWith(within.slice(0, 6)));
  const owned = await graph.database.query<{ code: string; fen: string }>(
    `SELECT community_code AS code, (sum(accepted_area) * 100)::bigint::text AS fen FROM housing.premises WHERE state = 'IN_USE' GROUP BY 1`,
  );
  const leased = await graph.database.query<{ code: string; fen: string }>(
    `SELECT community_code AS code, (sum(area) * 100)::bigint::text AS fen FROM housing.lease WHERE starts_on <= $1::date AND ends_on >= $1::date GROUP BY 1`,
    [today()],
  );
  const fen = (rows: { code: string; fen: string }[], code: string) => BigInt(rows.find((r) => r.code === code)?.fen ?? '0');
  const m2 = (value: bigint) => `${value / 100n}.${String(value % 100n).padStart(2, '0')}`;
  return communities.map((c) => {
    const required = BigInt(Math.max(350 * 100, c.households * 30));
    const have = fen(owned, c.code) + fen(leased, c.code);
    const shortfall = required > have ? required - have : 0n;
    return {
      code: c.code,
      households: c.households,
      ownedArea: m2(fen(owned, c.code)),
      leasedArea: m2(fen(leased, c.code)),
      requiredArea: m2(required),
      shortfall: m2(shortfall),
      shortfallFen: shortfall,
    };
  });
}

describe('compliance and shortfall', () => {
  const officer = (area: string) => tokenFor({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area });

  test('Community.premisesCompliance matches an independent computation', async () => {
    const expected = await expectedCompliance('510107000000');
    const { body } = await graph.request(
      `{ communities(filter: { within: "510107000000" }, first: 100) { edges { node { code premisesCompliance { households ownedArea leasedArea requiredArea shortfall compliant } } } } }`,
    );
    expect(body.errors).toBeUndefined();
    const got = body.data!.communities.edges.map((e: { node: { code: string; premisesCompliance: object } }) => ({
      code: e.node.code,
      ...e.node.premisesCompliance,
    }));
    expect(got).toEqual(
      expected.map(({ shortfallFen, ...c }) => ({ ...c, compliant: shortfallFen === 0n })).sort((a, b) => a.code.localeCompare(b.code)),
    );
  });

  test.each(districts)('premisesShortfall over %s lists exactly the communities below standard, largest first, paged', async (district) => {
    const expected = (await expectedCompliance(district))
      .filter((c) => c.shortfallFen > 0n)
      .sort((a, b) => (a.shortfallFen === b.shortfallFen ? a.code.localeCompare(b.code) : a.shortfallFen > b.shortfallFen ? -1 : 1));
    const token = await officer(district);
    const seen: string[] = [];
    let after: string | null = null;
    let total = -1;
    do {
      const { body }: { body: { data?: Record<string, any> | null; errors?: unknown[] } } = await graph.request(
        `query ($w: AreaCode!, $a: String) { premisesShortfall(within: $w, first: 4, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { node { community { code } shortfall requiredArea } } } }`,
        { variables: { w: district, a: after }, token },
      );
      expect(body.errors).toBeUndefined();
      const connection: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string };
        edges: { node: { community: { code: string }; shortfall: string } }[];
      } = body.data!.premisesShortfall;
      total = connection.totalCount;
      seen.push(
        ...connection.edges.map(
          (e: { node: { community: { code: string }; shortfall: string } }) => `${e.node.community.code}:${e.node.shortfall}`,
        ),
      );
      after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(expected.map((c) => `${c.code}:${c.shortfall}`));
    expect(total).toBe(expected.length);
  });

  test('a new lease today closes part of the gap', async () => {
    const [target] = (await expectedCompliance('510104000000')).filter((c) => c.shortfallFen > 0n);
    const token = await tokenFor({ roles: ['STREET_OFFICER'], area: `${target!.code.slice(0, 9)}000` });
    const lease = {
      communityCode: target!.code,
      landlord: '测试物业',
      address: `测试路${target!.code}号`,
      area: '100.25',
      monthlyRent: '5000.00',
      startsOn: today(),
      endsOn: '2030-12-31',
    };
    const { body } = await graph.request(
      `mutation ($i: RecordLeaseInput!) { recordLease(input: $i) { lease { id area monthlyRent { amount } } } }`,
      { variables: { i: lease }, token },
    );
    expect(body.errors).toBeUndefined();
    const overlap = await graph.request(`mutation ($i: RecordLeaseInput!) { recordLease(input: $i) { lease { id } } }`, {
      variables: { i: { ...lease, startsOn: '2030-12-31', endsOn: '2031-06-30' } },
      token,
    });
    expect(overlap.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const after = (await expectedCompliance('510104000000')).find((c) => c.code === target!.code)!;
    expect(after.shortfallFen).toBe(target!.shortfallFen > 10025n ? target!.shortfallFen - 10025n : 0n);
    const { body: read } = await graph.request(
      `query ($c: AreaCode!) { community(code: $c) { premisesCompliance { shortfall leasedArea } } }`,
      { variables: { c: target!.code } },
    );
    expect(read.data!.community.premisesCompliance.shortfall).toBe(after.shortfall);
  });

  test('leasesExpiring lists the leases ending within the window, soonest first', async () => {
    const token = await officer('510105000000');
    const rows = await graph.database.query<{ id: string }>(
      `SELECT id::text AS id FROM housing.lease WHERE community_code LIKE '510105%' AND ends_on BETWEEN $1::date AND $1::date + 60 ORDER BY ends_on, id`,
      [today()],
    );
    const { body } = await graph.request(
      `{ leasesExpiring(within: "510105000000", days: 60, first: 100) { totalCount edges { node { id endsOn monthlyRent { amount } } } } }`,
      { token },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.leasesExpiring.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(rows.map((r) => r.id));
    expect(body.data!.leasesExpiring.totalCount).toBe(rows.length);
    expect(rows.length).toBeGreaterThan(0);
  });
});

describe('statement counts', () => {
  test('premisesShortfall and salesPermitClearance send the same statements for small and large windows', async () => {
    const token = await tokenFor({ roles: ['HOUSING_AUTHORITY'], area: '510100000000' });
    const counts: number[] = [];
    for (const first of [1, 5, 100]) {
      graph.statements.length = 0;
      const { body } = await graph.request(
        `query ($f: Int) { premisesShortfall(within: "510107000000", first: $f) { totalCount edges { node { community { code } shortfall } } } }`,
        {
          variables: { f: first },
          token: await tokenFor({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510107000000' }),
        },
      );
      expect(body.errors).toBeUndefined();
      counts.push(graph.statements.length);
    }
    expect(counts).toEqual([counts[0], counts[0], counts[0]]);

    // A development with one planned premises, one with one in use, and one with many premises in several states.
    const developments = await graph.database.query<{ id: string }>(
      `(SELECT d.id::text AS id FROM housing.development d JOIN housing.premises p ON p.development_id = d.id WHERE p.state = 'PLANNED' AND d.community_code LIKE '5101%' ORDER BY d.id LIMIT 1)
       UNION ALL
       (SELECT d.id::text AS id FROM housing.development d JOIN housing.premises p ON p.development_id = d.id WHERE p.state = 'IN_USE' AND d.community_code LIKE '5101%' ORDER BY d.id LIMIT 1)`,
    );
    const [big] = await graph.database.query<{ id: string }>(
      `SELECT id::text AS id FROM housing.development WHERE community_code LIKE '5101%' ORDER BY id LIMIT 1`,
    );
    await graph.database.query(
      `INSERT INTO housing.premises (id, development_id, community_code, building, floor, unit, planned_area, purpose, state)
       SELECT gen_random_uuid(), d.id, d.community_code, g || '栋', 1, '101', 300, '测试', (ARRAY['PLANNED','REJECTED','PLAN_APPROVED'])[g % 3 + 1]::housing."PremisesState"
         FROM housing.development d, generate_series(1, 12) g WHERE d.id = $1::uuid`,
      [big!.id],
    );
    const clearance: number[] = [];
    for (const development of [...developments, big!]) {
      graph.statements.length = 0;
      const { body } = await graph.request(
        `query ($d: ID!) { salesPermitClearance(developmentId: $d) { status reasons { message premises { id state } } } }`,
        {
          variables: { d: development.id },
          token,
        },
      );
      expect(body.errors).toBeUndefined();
      clearance.push(graph.statements.filter((s) => s.includes('housing')).length);
    }
    expect(clearance).toEqual([clearance[0], clearance[0], clearance[0]]);

    const pages: number[] = [];
    for (const first of [2, 50]) {
      graph.statements.length = 0;
      const { body } = await graph.request(
        `query ($f: Int) { communities(filter: { within: "510104000000" }, first: $f) { edges { node { premises(first: 5) { totalCount edges { node { state signOffs { role } inspections { round } } } } } } } }`,
        {
          variables: { f: first },
        },
      );
      expect(body.errors).toBeUndefined();
      pages.push(graph.statements.filter((s) => s.includes('housing')).length);
    }
    expect(pages[0]).toBe(pages[1]);
  });
});
