import { demoCity } from '../../prisma/seed/demo-city';
import type { ScenarioFactory } from './types';

/** The communities registry's reads and its one write. */
const communitiesScenarios: ScenarioFactory = async ({ signToken }) => {
  const communities = demoCity().communities.map((c) => c.code);
  const districts = [...new Set(communities.map((c) => c.slice(0, 6).padEnd(12, '0')))];
  const officerTokens = await Promise.all(districts.map((area) => signToken({ sub: `bench-${area}`, roles: ['DISTRICT_CIVIL_AFFAIRS'], area })));
  const cityOf = (code: string) => code.slice(0, 4).padEnd(12, '0');
  const cityAdmins = new Map<string, string>();
  for (const city of new Set(communities.map(cityOf))) {
    cityAdmins.set(city, await signToken({ sub: `bench-admin-${city}`, roles: ['CITY_ADMIN'], area: city }));
  }
  return [
    {
      name: 'community-by-code',
      description: 'anonymous: one community with its street and district',
      request: (i) => ({
        query: 'query ($c: AreaCode!) { community(code: $c) { name households street { name } district { name } } }',
        variables: { c: communities[i % communities.length] },
      }),
    },
    {
      name: 'communities-page-50',
      description: 'anonymous: 50 communities with street, district and ancestors',
      request: (i) => ({
        query: 'query ($w: AreaCode) { communities(filter: { within: $w }, first: 50) { totalCount edges { node { name households street { name } district { name } area { ancestors { code } } } } } }',
        variables: { w: i % 2 === 0 ? null : '510100000000' },
      }),
    },
    {
      name: 'officer-contacts',
      description: 'district officer: the district\'s communities with contacts (auth + jurisdiction on every row)',
      request: (i) => ({
        query: 'query ($w: AreaCode) { communities(filter: { within: $w }, first: 20) { edges { node { name contacts { committeePhone } } } } }',
        variables: { w: districts[i % districts.length] },
        token: officerTokens[i % districts.length],
      }),
    },
    {
      name: 'name-search',
      description: 'anonymous: Chinese substring search over community names',
      request: (i) => ({
        query: 'query ($q: String) { communities(filter: { nameContains: $q }, first: 10) { totalCount edges { node { code name } } } }',
        variables: { q: ['清波', '福', '社区', '锦绣', '和平'][i % 5] },
      }),
    },
    {
      name: 'update-community',
      description: 'city admin: update a community\'s figures (transaction + audit event), spread over 130 rows',
      request: (i) => {
        const code = communities[i % communities.length]!;
        return {
          query: 'mutation ($c: AreaCode!, $h: NonNegativeInt) { updateCommunity(input: { code: $c, households: $h }) { community { version } } }',
          variables: { c: code, h: 1000 + (i % 5000) },
          token: cityAdmins.get(cityOf(code)),
        };
      },
    },
  ];
};

export default communitiesScenarios;
