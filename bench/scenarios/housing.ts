import { spread, under, type ScenarioFactory } from './types';

/** The housing subgraph's main reads: the sales-permit clearance and the district shortfall. */
const housingScenarios: ScenarioFactory = async ({ signToken, query }) => {
  // Developments of every state, in every city, from the seeded data.
  const developments = await query<{ id: string; city: string }>(
    `SELECT id::text AS id, substr(community_code, 1, 4) || '00000000' AS city FROM housing.development ORDER BY id`,
  );
  const districts = (
    await query<{ code: string }>(`SELECT DISTINCT substr(community_code, 1, 6) || '000000' AS code FROM housing.development ORDER BY 1`)
  ).map((r) => r.code);
  const authority = new Map<string, string>();
  for (const city of new Set(developments.map((d) => d.city))) {
    authority.set(city, await signToken({ sub: `bench-housing-authority-${city}`, roles: ['HOUSING_AUTHORITY'], area: city }));
  }
  const officers = await Promise.all(
    districts.map((area) => signToken({ sub: `bench-civil-affairs-${area}`, roles: ['DISTRICT_CIVIL_AFFAIRS'], area })),
  );
  return [
    {
      name: 'sales-permit-clearance',
      description: 'housing authority: may this development get its pre-sale permit (reasons per premises; the query is logged)',
      request: (i) => {
        const development = developments[spread(i, developments.length)]!;
        return {
          query:
            'query ($d: ID!) { salesPermitClearance(developmentId: $d) { status reasons { missingStep message premises { id state building } } } }',
          variables: { d: development.id },
          token: authority.get(development.city),
        };
      },
      subgraph: { name: 'housing' },
      // The development's premises with their sign-offs, inspections and buyback: what the reasons are made from.
      sql: (i) =>
        query(
          `SELECT p.id, p.state, p.building,
                  ARRAY(SELECT s.role::text FROM housing.plan_sign_off s WHERE s.premises_id = p.id) AS sign_offs,
                  (SELECT max(n.round) FROM housing.inspection n WHERE n.premises_id = p.id) AS rounds,
                  (SELECT b.state::text FROM housing.buyback b WHERE b.premises_id = p.id) AS buyback
             FROM housing.development d JOIN housing.premises p ON p.development_id = d.id
            WHERE d.id = $1::uuid ORDER BY p.id`,
          [developments[spread(i, developments.length)]!.id],
        ),
    },
    {
      name: 'premises-shortfall',
      description:
        'district officer: communities below the premises standard in a district (households from communities, one SQL statement)',
      request: (i) => ({
        query:
          'query ($w: AreaCode!, $n: Int) { premisesShortfall(within: $w, first: $n) { totalCount edges { node { community { code } shortfall requiredArea ownedArea leasedArea } } } }',
        // Page sizes times districts make more variants than clients (the demo has 7 districts).
        variables: { w: districts[i % districts.length], n: [20, 10, 30][i % 3] },
        token: officers[i % districts.length],
      }),
      subgraph: { name: 'housing' },
      // Households from the registry, owned (in use) and leased area per community, the standard, the worst 20 and the count.
      sql: (i) =>
        query(
          `WITH need AS (
             SELECT c.code, greatest(350, c.households * 30 / 100.0) AS required,
                    coalesce((SELECT sum(coalesce(p.accepted_area, p.planned_area)) FROM housing.premises p WHERE p.community_code = c.code AND p.state = 'IN_USE'), 0) AS owned,
                    coalesce((SELECT sum(l.area) FROM housing.lease l WHERE l.community_code = c.code AND current_date BETWEEN l.starts_on AND l.ends_on), 0) AS leased
               FROM communities.community c WHERE c.code LIKE $1)
           SELECT code, required, owned, leased, required - owned - leased AS shortfall, count(*) OVER () AS total
             FROM need WHERE required > owned + leased ORDER BY shortfall DESC, code LIMIT $2`,
          [under(districts[i % districts.length]), [20, 10, 30][i % 3]],
        ),
    },
  ];
};

export default housingScenarios;
