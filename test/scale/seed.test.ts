import type { Database } from '../../lib/runtime/db';
import { scaledAreaCode, seedScale } from '../../seed/scale';
import { demoCity } from '../../seed/demo-city';
import { demoOrganizations } from '../../seed/demo-organizations';
import { loadSubgraphs } from '../../scripts/subgraph-code';
import { validateCreditCode } from '../../lib/kernel/credit-code';
import { startTestGraph, type TestGraph } from '../support/graph';
import { tokenFor } from '../support/tokens';

/** Lists in a fixed order: ties in a page's order are broken by ids, which differ between copies. */
function unordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unordered).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unordered(v)]));
  return value;
}

// The scale knob at a small N on this project's database: every subgraph grows, codes stay valid,
// and a copy's district answers the main reads like the demo's own, with as many statements.
describe('the city at scale 2', () => {
  let graph: TestGraph;
  let database: Database;
  const SCALE = 2;
  const demo = {
    communities: demoCity().communities.length,
    organizations: demoOrganizations().length,
    withCodes: demoOrganizations().filter((o) => o.creditCode !== null).length,
  };

  beforeAll(async () => {
    graph = await startTestGraph();
    database = graph.database;
  });
  afterAll(async () => {
    await graph?.stop();
  });

  test('seeds every subgraph N times over', async () => {
    const summary = await seedScale(database, await loadSubgraphs(), SCALE);
    expect(summary.communities).toBe(demo.communities * SCALE);
    expect(summary.organizations).toBe(demo.organizations * SCALE);
    const [demoRows] = await database.query<Record<string, string>>(
      `SELECT (SELECT count(*)::int FROM housing.development WHERE substr(community_code, 5, 1) = '0') AS developments,
              (SELECT count(*)::int FROM procurement.project p WHERE EXISTS (SELECT 1 FROM procurement.project_community c
                 WHERE c.project_id = p.id AND substr(c.community_code, 5, 1) = '0')) AS projects`,
    );
    expect(summary.developments).toBe(Number(demoRows!.developments) * SCALE);
    expect(summary.projects).toBe(Number(demoRows!.projects) * SCALE);
    // The demo's districts have district digits 0x, the copies' 1x–8x (or another city).
    // Facilities: all of the demo's, about half of each copy's; each with bookings a year back.
    const [facilities] = await database.query<{ demo: string; copies: string; oldest: string; newest: string }>(
      `SELECT count(*) FILTER (WHERE substr(f.community_code, 5, 1) = '0') AS demo,
              count(*) FILTER (WHERE substr(f.community_code, 5, 1) <> '0') AS copies,
              (SELECT extract(day FROM now() - min(starts_at)) FROM facilities.booking)::int AS oldest,
              (SELECT extract(day FROM max(starts_at) - now()) FROM facilities.booking)::int AS newest
         FROM facilities.facility f`,
    );
    expect(Number(facilities!.copies)).toBeGreaterThan(Number(facilities!.demo) * 0.5 * (SCALE - 1) * 0.8);
    expect(Number(facilities!.copies)).toBeLessThan(Number(facilities!.demo) * 0.5 * (SCALE - 1) * 1.2);
    expect(Number(facilities!.oldest)).toBeGreaterThanOrEqual(365);
    expect(Number(facilities!.newest)).toBeLessThanOrEqual(14);
  });

  test('every credit code is valid, unique and issued in its registration district', async () => {
    const rows = await database.query<{ credit_code: string; registration_area: string; kind: string }>(
      `SELECT credit_code, registration_area, kind FROM organizations.organization WHERE credit_code IS NOT NULL`,
    );
    expect(rows.length).toBe(demo.withCodes * SCALE);
    expect(new Set(rows.map((r) => r.credit_code)).size).toBe(rows.length);
    for (const row of rows) {
      expect(validateCreditCode(row.credit_code)).toEqual({ ok: true });
      expect(row.credit_code.slice(2, 8)).toBe(row.registration_area.slice(0, 6));
    }
  });

  test('every reference inside a subgraph and across subgraphs lands on a row of the same copy', async () => {
    const [orphans] = await database.query<Record<string, number>>(
      `SELECT
         (SELECT count(*)::int FROM communities.area a WHERE a.parent_code IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM communities.area p WHERE p.code = a.parent_code)) AS areas,
         (SELECT count(*)::int FROM organizations.service_area s
             WHERE NOT EXISTS (SELECT 1 FROM communities.area a WHERE a.code = s.area_code)) AS service_areas,
         (SELECT count(*)::int FROM housing.development d
             WHERE NOT EXISTS (SELECT 1 FROM organizations.organization o WHERE o.id = d.developer_id)
                OR NOT EXISTS (SELECT 1 FROM communities.community c WHERE c.code = d.community_code)) AS developments,
         (SELECT count(*)::int FROM facilities.facility f
             WHERE NOT EXISTS (SELECT 1 FROM organizations.organization o WHERE o.id = f.unit_id AND o.registration_area = substr(f.community_code, 1, 6) || '000000')) AS facilities,
         (SELECT count(*)::int FROM procurement.bid b
             WHERE NOT EXISTS (SELECT 1 FROM organizations.organization o WHERE o.id = b.organization_id AND o.credit_code = b.credit_code)) AS bids,
         (SELECT count(*)::int FROM procurement.contract c
             WHERE NOT EXISTS (SELECT 1 FROM organizations.organization o WHERE o.id = c.supplier_id)
                OR NOT EXISTS (SELECT 1 FROM organizations.organization o WHERE o.id = c.purchaser_id)) AS contracts`,
    );
    expect(orphans).toEqual({ areas: 0, service_areas: 0, developments: 0, facilities: 0, bids: 0, contracts: 0 });
  });

  test('seeding the same scale again adds nothing; another scale is refused', async () => {
    const before = await seedScale(database, await loadSubgraphs(), SCALE);
    const again = await seedScale(database, await loadSubgraphs(), SCALE);
    expect({ ...again, milliseconds: 0 }).toEqual({ ...before, milliseconds: 0 });
    await expect(seedScale(database, await loadSubgraphs(), 3)).rejects.toThrow(/already holds the city at scale 2/);
  });

  test("a copy's district answers the main reads like the demo's, with the same number of statements", async () => {
    const district = '510107000000';
    const copy = scaledAreaCode(district, 1);
    expect(copy).toBe('510117000000');
    const reads = async (area: string) => {
      const officer = await tokenFor({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area, sub: `officer-${area}` });
      const buyer = await tokenFor({ roles: ['PROCUREMENT_OFFICER'], area, sub: `buyer-${area}` });
      const requests: [string, Record<string, unknown>, string | undefined][] = [
        [
          'query ($w: AreaCode) { communities(filter: { within: $w }, first: 50) { totalCount edges { node { households organizations(first: 5) { totalCount edges { node { kind } } } } } } }',
          { w: area },
          undefined,
        ],
        [
          'query ($w: AreaCode!) { premisesShortfall(within: $w, first: 20) { totalCount edges { node { shortfall } } } }',
          { w: area },
          officer,
        ],
        [
          'query ($w: AreaCode!) { contracts(filter: { within: $w }, first: 20) { totalCount edges { node { value { amount } supplier { kind } milestones { dueOn } } } } }',
          { w: area },
          buyer,
        ],
        [
          'query ($w: AreaCode!) { developments(within: $w, first: 20) { totalCount edges { node { acquisition premises { state } } } } }',
          { w: area },
          undefined,
        ],
      ];
      const answers = [];
      for (const [query, variables, token] of requests) {
        graph.statements.length = 0;
        const { body } = await graph.request(query, { variables, token });
        expect(body.errors).toBeUndefined();
        answers.push({ data: unordered(body.data), statements: graph.statements.length });
      }
      return answers;
    };
    const demoAnswers = await reads(district);
    expect(demoAnswers.every((a) => a.statements > 0)).toBe(true);
    expect(await reads(copy)).toEqual(demoAnswers);
  });
});
