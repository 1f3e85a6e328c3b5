import type { ScenarioFactory } from './types';

/** The housing subgraph's main reads: the sales-permit clearance and the district shortfall. */
const housingScenarios: ScenarioFactory = async ({ signToken, query }) => {
  // Developments of every state, in every city, from the seeded data.
  const developments = await query<{ id: string; city: string }>(
    `SELECT id::text AS id, substr(community_code, 1, 4) || '00000000' AS city FROM housing.development ORDER BY id`,
  );
  const districts = (await query<{ code: string }>(`SELECT DISTINCT substr(community_code, 1, 6) || '000000' AS code FROM housing.development ORDER BY 1`)).map((r) => r.code);
  const authority = new Map<string, string>();
  for (const city of new Set(developments.map((d) => d.city))) {
    authority.set(city, await signToken({ sub: `bench-housing-authority-${city}`, roles: ['HOUSING_AUTHORITY'], area: city }));
  }
  const officers = await Promise.all(districts.map((area) => signToken({ sub: `bench-civil-affairs-${area}`, roles: ['DISTRICT_CIVIL_AFFAIRS'], area })));
  return [
    {
      name: 'sales-permit-clearance',
      description: 'housing authority: may this development get its pre-sale permit (reasons per premises; the query is logged)',
      request: (i) => {
        const development = developments[i % developments.length]!;
        return {
          query: 'query ($d: ID!) { salesPermitClearance(developmentId: $d) { status reasons { missingStep message premises { id state building } } } }',
          variables: { d: development.id },
          token: authority.get(development.city),
        };
      },
    },
    {
      name: 'premises-shortfall',
      description: 'district officer: communities below the premises standard in a district (households from communities, one SQL statement)',
      request: (i) => ({
        query: 'query ($w: AreaCode!) { premisesShortfall(within: $w, first: 20) { totalCount edges { node { community { code } shortfall requiredArea ownedArea leasedArea } } } }',
        variables: { w: districts[i % districts.length] },
        token: officers[i % districts.length],
      }),
    },
  ];
};

export default housingScenarios;
