import { clearanceOf } from '../../subgraphs/housing/src/clearance';
import type { DevelopmentModel, InspectionModel, PremisesModel, SignOffModel } from '../../subgraphs/housing/src/models';
import { connection, spread, type ScenarioFactory } from './types';

/** The housing subgraph's default standard: 350 m² at least, 30 m² per 100 households. */
const MIN_PREMISES_M2 = 350;
const M2_PER_100_HOUSEHOLDS = 30;
const TODAY = `(now() AT TIME ZONE 'Asia/Shanghai')::date`;

/** What housing asks the communities subgraph for (subgraphs/housing/src/directory.ts), page by page. */
const DIRECTORY = `query ($within: AreaCode, $after: String) {
  communities(filter: { within: $within }, first: 100, after: $after) {
    edges { node { code households } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface DirectoryPage {
  communities: { edges: { node: { code: string; households: number } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/** The housing subgraph's main reads: the sales-permit clearance and the district shortfall. */
const housingScenarios: ScenarioFactory = async ({ signToken, query, peer }) => {
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
  const development = (i: number) => developments[spread(i, developments.length)]!;
  const shortfallPage = (i: number) => ({ within: districts[i % districts.length]!, first: [20, 10, 30][i % 3]! });

  /**
   * The clearance's floor: the rows the reasons are made from in plain SQL (development,
   * premises, then sign-offs and inspections), the reasons by the subgraph's own rule
   * (`clearanceOf`, pure code), and the logged query inserted as the subgraph inserts it.
   */
  const clearanceSql = async (i: number) => {
    const { id, city } = development(i);
    const [found] = await query<DevelopmentModel>(`SELECT id::text AS id, name FROM housing.development WHERE id = $1::uuid`, [id]);
    const premises = await query<PremisesModel>(
      `SELECT id::text AS id, building, floor, unit, state::text AS state FROM housing.premises
        WHERE development_id = $1::uuid ORDER BY created_at, id`,
      [id],
    );
    const ids = (states: string[]) => premises.filter((p) => states.includes(p.state)).map((p) => p.id);
    const [signOffs, inspections] = await Promise.all([
      query<SignOffModel>(
        `SELECT premises_id::text AS "premisesId", role::text AS role FROM housing.plan_sign_off WHERE premises_id = ANY($1::uuid[])`,
        [ids(['PLANNED'])],
      ),
      query<InspectionModel>(
        `SELECT i.premises_id::text AS "premisesId", i.round::int AS round, i.defects::text[] AS defects, i.outcome::text AS outcome,
                p.planned_area::numeric(12,2)::text AS "plannedArea", i.measured_area::numeric(12,2)::text AS "measuredArea"
           FROM housing.inspection i JOIN housing.premises p ON p.id = i.premises_id
          WHERE i.premises_id = ANY($1::uuid[]) ORDER BY i.premises_id, i.round`,
        [ids(['REJECTED', 'RECTIFIED'])],
      ),
    ]);
    const clearance = clearanceOf(
      found!,
      premises,
      (p) => signOffs.filter((s) => s.premisesId === p),
      (p) => inspections.filter((n) => n.premisesId === p),
      new Date(),
    );
    await query(
      `INSERT INTO housing.clearance_query (development_id, asked_by, asked_area, status, reasons, request_id) VALUES ($1::uuid, $2, $3, $4, $5::jsonb, $6)`,
      [
        id,
        `bench-housing-authority-${city}`,
        city,
        clearance.status,
        JSON.stringify(clearance.reasons.map((r) => r.message)),
        `bench-floor-${i}`,
      ],
    );
    const byId = new Map(premises.map((p) => [p.id, p]));
    return {
      salesPermitClearance: {
        status: clearance.status,
        reasons: clearance.reasons.map((r) => {
          const p = r.premisesId ? byId.get(r.premisesId)! : null;
          return { missingStep: r.missingStep, message: r.message, premises: p && { id: p.id, state: p.state, building: p.building } };
        }),
      },
    };
  };

  /**
   * The shortfall's floor: the communities and households asked of the communities subgraph as
   * housing asks them (the same peer call), then owned, leased and required area in one statement.
   */
  const shortfallSql = async (i: number) => {
    const { within, first } = shortfallPage(i);
    const communities: { code: string; households: number }[] = [];
    let after: string | null = null;
    do {
      const page = (await peer!('communities', { query: DIRECTORY, variables: { within, after } })) as DirectoryPage;
      communities.push(...page.communities.edges.map((e) => e.node));
      after = page.communities.pageInfo.hasNextPage ? page.communities.pageInfo.endCursor : null;
    } while (after);
    const rows = await query<{ code: string; owned: string; leased: string; required: string; shortfall: string; total: number }>(
      `WITH c AS (SELECT * FROM unnest($1::text[], $2::int[]) AS c(code, households)),
            r AS (SELECT c.code,
                         coalesce((SELECT sum(p.accepted_area) FROM housing.premises p WHERE p.community_code = c.code::bpchar AND p.state = 'IN_USE'), 0) AS owned,
                         coalesce((SELECT sum(l.area) FROM housing.lease l WHERE l.community_code = c.code::bpchar AND ${TODAY} BETWEEN l.starts_on AND l.ends_on), 0) AS leased,
                         greatest($3::numeric, c.households * $4::numeric / 100) AS required
                    FROM c),
            s AS (SELECT r.*, greatest(r.required - r.owned - r.leased, 0) AS shortfall, count(*) OVER () AS total FROM r WHERE r.required > r.owned + r.leased)
       SELECT code, owned::numeric(12,2)::text AS owned, leased::numeric(12,2)::text AS leased, required::numeric(12,2)::text AS required,
              shortfall::numeric(12,2)::text AS shortfall, total::int AS total
         FROM s ORDER BY s.shortfall DESC, s.code LIMIT $5`,
      [communities.map((c) => c.code), communities.map((c) => c.households), MIN_PREMISES_M2, M2_PER_100_HOUSEHOLDS, first],
    );
    const nodes = rows.map((r) => ({
      community: { code: r.code },
      shortfall: r.shortfall,
      requiredArea: r.required,
      ownedArea: r.owned,
      leasedArea: r.leased,
    }));
    return { premisesShortfall: connection(nodes, rows[0]?.total ?? 0) };
  };

  return [
    {
      name: 'sales-permit-clearance',
      description: 'housing authority: may this development get its pre-sale permit (reasons per premises; the query is logged)',
      request: (i) => ({
        query:
          'query ($d: ID!) { salesPermitClearance(developmentId: $d) { status reasons { missingStep message premises { id state building } } } }',
        variables: { d: development(i).id },
        token: authority.get(development(i).city),
      }),
      subgraph: { name: 'housing' },
      sql: clearanceSql,
    },
    {
      name: 'premises-shortfall',
      description:
        'district officer: communities below the premises standard in a district (households from communities, one SQL statement)',
      request: (i) => ({
        query:
          'query ($w: AreaCode!, $n: Int) { premisesShortfall(within: $w, first: $n) { totalCount edges { node { community { code } shortfall requiredArea ownedArea leasedArea } } } }',
        // Page sizes times districts make more variants than clients (the demo has 7 districts).
        variables: { w: shortfallPage(i).within, n: shortfallPage(i).first },
        token: officers[i % districts.length],
      }),
      subgraph: { name: 'housing' },
      sql: peer ? shortfallSql : undefined,
    },
  ];
};

export default housingScenarios;
