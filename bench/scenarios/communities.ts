import { encodeCursor } from '../../lib/runtime/connections';
import { searchGrams } from '../../lib/runtime/db';
import { connection, spread, under, type ScenarioFactory } from './types';

const PAGE = 50;

interface PageData {
  communities: { edges: { node: { code: string } & Record<string, unknown> }[] } & Record<string, unknown>;
}

/** The communities registry's reads (alone and with the organisations serving each) and its one write. */
const communitiesScenarios: ScenarioFactory = async ({ signToken, query }) => {
  const areas = await query<{ code: string; level: string }>(`SELECT code, level::text AS level FROM communities.area ORDER BY code`);
  const communities = areas.filter((a) => a.level === 'COMMUNITY').map((a) => a.code);
  // updateCommunity requires the version it changes: the seeded ones, then one more per update.
  const versions = new Map(
    (await query<{ code: string; version: number }>(`SELECT code, version FROM communities.community`)).map(
      (row) => [row.code, row.version] as const,
    ),
  );
  const districts = areas.filter((a) => a.level === 'DISTRICT').map((a) => a.code);
  // A page of 50 under an area that holds at least 50 communities, so every page is full: the
  // prefixes (province, city, district, street) under which 50 or more communities lie.
  const fullPrefixes = new Set(
    (
      await query<{ prefix: string }>(
        `SELECT p.prefix FROM communities.area a
           CROSS JOIN LATERAL (VALUES (substr(a.code, 1, 2)), (substr(a.code, 1, 4)), (substr(a.code, 1, 6)), (substr(a.code, 1, 9))) AS p(prefix)
          WHERE a.level = 'COMMUNITY' GROUP BY p.prefix HAVING count(*) >= $1`,
        [PAGE],
      )
    ).map((r) => r.prefix),
  );
  const allScopes: (string | null)[] = [null, ...areas.filter((a) => a.level !== 'COMMUNITY').map((a) => a.code)];
  const scopes = allScopes.filter((code) => (code === null ? communities.length >= PAGE : fullPrefixes.has(under(code).slice(0, -1))));
  const officerTokens = await Promise.all(
    districts.map((area) => signToken({ sub: `bench-${area}`, roles: ['DISTRICT_CIVIL_AFFAIRS'], area })),
  );
  const cityOf = (code: string) => code.slice(0, 4).padEnd(12, '0');
  const cityAdmins = new Map<string, string>();
  for (const city of new Set(communities.map(cityOf))) {
    cityAdmins.set(city, await signToken({ sub: `bench-admin-${city}`, roles: ['CITY_ADMIN'], area: city }));
  }
  // More needles than clients, so two clients rarely send the same search at once.
  const NEEDLES = [
    '清波',
    '福',
    '锦绣',
    '和平',
    '幸福',
    '长青',
    '文化',
    '建设',
    '东风',
    '望江',
    '玉带',
    '桂花',
    '芙蓉',
    '金沙',
    '青龙',
    '红星',
    '友谊',
    '春晓',
    '同心',
  ];
  // Page sizes times districts make more variants than clients (the demo has 7 districts).
  const CONTACT_PAGES = [20, 10, 30];
  // Every start a full page can have in each scope: the first page, or the page after the community before the start.
  const members = new Map(
    scopes.map((code) => [code, code === null ? communities : communities.filter((c) => c.startsWith(under(code).slice(0, -1)))]),
  );
  /** Request i's scope (each in turn) and where its page starts (a different start each time the scope comes round). */
  const pageAt = (i: number) => {
    const scope = scopes[spread(i, scopes.length)]!;
    const list = members.get(scope)!;
    const start = spread(Math.floor(i / scopes.length), list.length - PAGE + 1);
    return { scope, after: start === 0 ? null : list[start - 1]! };
  };
  const community = (i: number) => communities[spread(i, communities.length)]!;

  const facts = {
    scopes: allScopes.length,
    fullPageScopes: scopes.length,
    pages: [...members.values()].reduce((sum, list) => sum + list.length - PAGE + 1, 0),
  };
  const PAGE_FIELDS = 'totalCount edges { node { code name households street { name } district { name } area { ancestors { code } } } }';
  const pageVariables = (i: number) => {
    const { scope, after } = pageAt(i);
    return { w: scope, a: after && encodeCursor([after]) };
  };
  const page = (i: number) => ({
    query: `query ($w: AreaCode, $a: String) { communities(filter: { within: $w }, first: ${PAGE}, after: $a) { ${PAGE_FIELDS} } }`,
    variables: pageVariables(i),
  });
  /** The page read with plain SQL: the rows with street, district and the areas above, and the count. */
  const pageSql = async (i: number): Promise<PageData> => {
    const { scope, after } = pageAt(i);
    const like = under(scope);
    const [rows, [count]] = await Promise.all([
      query<{ code: string; name: string; households: number; street: string; district: string; ancestors: string[] }>(
        `SELECT a.code, a.name, c.households, s.name AS street, d.name AS district,
                ARRAY(SELECT x.code FROM communities.area x
                       WHERE x.code IN (rpad(substr(a.code, 1, 4), 12, '0'), rpad(substr(a.code, 1, 6), 12, '0'), rpad(substr(a.code, 1, 9), 12, '0'))
                       ORDER BY x.code) AS ancestors
           FROM communities.area a JOIN communities.community c ON c.code = a.code
           JOIN communities.area s ON s.code = a.parent_code JOIN communities.area d ON d.code = s.parent_code
          WHERE a.level = 'COMMUNITY' AND a.code LIKE $1 AND ($2::text IS NULL OR a.code > $2) ORDER BY a.code LIMIT ${PAGE}`,
        [like, after],
      ),
      query<{ total: number }>(`SELECT count(*)::int AS total FROM communities.area WHERE level = 'COMMUNITY' AND code LIKE $1`, [like]),
    ]);
    const nodes = rows.map((r) => ({
      code: r.code,
      name: r.name,
      households: r.households,
      street: { name: r.street },
      district: { name: r.district },
      area: { ancestors: r.ancestors.map((code) => ({ code })) },
    }));
    return { communities: connection(nodes, count!.total) };
  };
  const ORGS = 'organizations(first: 5) { totalCount edges { node { name } } }';

  return [
    {
      name: 'community-by-code',
      description: 'anonymous: one community with its street and district',
      request: (i) => ({
        query: 'query ($c: AreaCode!) { community(code: $c) { name households street { name } district { name } } }',
        variables: { c: community(i) },
      }),
      subgraph: { name: 'communities' },
      sql: async (i) => {
        const [row] = await query<{ name: string; households: number; street: string; district: string }>(
          `SELECT a.name, c.households, s.name AS street, d.name AS district
             FROM communities.area a JOIN communities.community c ON c.code = a.code
             JOIN communities.area s ON s.code = a.parent_code JOIN communities.area d ON d.code = s.parent_code
            WHERE a.code = $1`,
          [community(i)],
        );
        return {
          community: row
            ? { name: row.name, households: row.households, street: { name: row.street }, district: { name: row.district } }
            : null,
        };
      },
    },
    {
      name: 'communities-page-50',
      description:
        'anonymous: 50 communities with street, district and ancestors under an area holding at least 50, from a start that leaves the page full',
      request: page,
      subgraph: { name: 'communities' },
      sql: pageSql,
      facts,
    },
    {
      name: 'communities-page-50-orgs',
      description:
        'anonymous: the same full page with the first 5 organisations serving each community and their count (communities + organizations)',
      request: (i) => ({
        query: `query ($w: AreaCode, $a: String) { communities(filter: { within: $w }, first: ${PAGE}, after: $a) { totalCount edges { node { code name households street { name } district { name } area { ancestors { code } }
          ${ORGS} } } } }`,
        variables: pageVariables(i),
      }),
      subgraph: {
        name: 'communities',
        request: page,
        then: {
          name: 'organizations',
          request: (first) => ({
            query: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Community { ${ORGS} } } }`,
            variables: { r: (first as PageData).communities.edges.map((e) => ({ __typename: 'Community', code: e.node.code })) },
          }),
          join: (first, second) => {
            const entities = (second as { _entities: Record<string, unknown>[] })._entities;
            const data = first as PageData;
            const edges = data.communities.edges.map((e, k) => ({ node: { ...e.node, ...entities[k] } }));
            return { communities: { ...data.communities, edges } };
          },
        },
        note: 'the communities page, then the organisations of its communities (`_entities`), as the gateway plans it',
      },
      sql: async (i) => {
        const data = await pageSql(i);
        const codes = data.communities.edges.map((e) => e.node.code);
        const orgs = await query<{ code: string; total: number; names: string[] }>(
          `SELECT c.code, (SELECT count(DISTINCT o.id)::int FROM organizations.service_area sa JOIN organizations.organization o ON o.id = sa.organization_id AND o.status = 'ACTIVE'
                            WHERE sa.prefix IN (substr(c.code, 1, 2), substr(c.code, 1, 4), substr(c.code, 1, 6), substr(c.code, 1, 9), c.code)) AS total,
                  ARRAY(SELECT o.name FROM organizations.organization o
                         WHERE o.status = 'ACTIVE' AND o.id IN (SELECT sa.organization_id FROM organizations.service_area sa
                                 WHERE sa.prefix IN (substr(c.code, 1, 2), substr(c.code, 1, 4), substr(c.code, 1, 6), substr(c.code, 1, 9), c.code))
                         ORDER BY o.name, o.id LIMIT 5) AS names
             FROM unnest($1::text[]) WITH ORDINALITY AS c(code, n) ORDER BY c.n`,
          [codes],
        );
        const edges = data.communities.edges.map((e, k) => ({
          node: {
            ...e.node,
            organizations: connection(
              orgs[k]!.names.map((name) => ({ name })),
              orgs[k]!.total,
            ),
          },
        }));
        return { communities: { ...data.communities, edges } };
      },
      facts,
    },
    {
      name: 'officer-contacts',
      description: "district officer: the district's communities with contacts (auth + jurisdiction on every row)",
      request: (i) => ({
        query:
          'query ($w: AreaCode, $n: Int) { communities(filter: { within: $w }, first: $n) { edges { node { name contacts { committeePhone } } } } }',
        variables: { w: districts[i % districts.length], n: CONTACT_PAGES[i % CONTACT_PAGES.length] },
        token: officerTokens[i % districts.length],
      }),
      subgraph: { name: 'communities' },
      sql: async (i) => {
        const rows = await query<{ name: string; phone: string | null }>(
          `SELECT a.name, c.committee_phone AS phone FROM communities.area a JOIN communities.community c ON c.code = a.code
            WHERE a.level = 'COMMUNITY' AND a.code LIKE $1 ORDER BY a.code LIMIT $2`,
          [under(districts[i % districts.length]), CONTACT_PAGES[i % CONTACT_PAGES.length]],
        );
        return { communities: connection(rows.map((r) => ({ name: r.name, contacts: { committeePhone: r.phone } }))) };
      },
    },
    {
      name: 'name-search',
      description: 'anonymous: Chinese substring search over community names',
      request: (i) => ({
        query: 'query ($q: String) { communities(filter: { nameContains: $q }, first: 10) { totalCount edges { node { code name } } } }',
        variables: { q: NEEDLES[i % NEEDLES.length] },
      }),
      subgraph: { name: 'communities' },
      sql: async (i) => {
        const needle = NEEDLES[i % NEEDLES.length]!;
        const params = [searchGrams(needle), `%${needle}%`];
        const [rows, [count]] = await Promise.all([
          query<{ code: string; name: string }>(
            `SELECT code, name FROM communities.area WHERE level = 'COMMUNITY' AND name_grams @> $1::text[] AND name LIKE $2 ORDER BY code LIMIT 10`,
            params,
          ),
          query<{ total: number }>(
            `SELECT count(*)::int AS total FROM communities.area WHERE level = 'COMMUNITY' AND name_grams @> $1::text[] AND name LIKE $2`,
            params,
          ),
        ]);
        return { communities: connection(rows, count!.total) };
      },
    },
    {
      name: 'update-community',
      description: "city admin: update a community's figures (transaction + audit event), spread over every community",
      request: (i) => {
        const code = communities[spread(i + 1, communities.length)]!;
        // A community comes round again only after every other one (spread), long after its last
        // update answered: the version it then holds is the one before plus one.
        const version = versions.get(code)!;
        versions.set(code, version + 1);
        return {
          query:
            'mutation ($c: AreaCode!, $v: Int, $h: NonNegativeInt) { updateCommunity(input: { code: $c, expectedVersion: $v, households: $h }) { community { version } } }',
          variables: { c: code, v: version, h: 1000 + (i % 5000) },
          token: cityAdmins.get(cityOf(code)),
        };
      },
    },
  ];
};

export default communitiesScenarios;
