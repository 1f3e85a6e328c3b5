import { connection, under, type BenchRequest, type ScenarioFactory } from './types';

interface ContractsData {
  contracts: { edges: { node: { supplier: { id: string } } & Record<string, unknown> }[] } & Record<string, unknown>;
}

/** Procurement officers' main reads: contracts with overdue milestones, and tenders at risk. */
const procurementScenarios: ScenarioFactory = async ({ signToken, query }) => {
  // Districts with contracts, and the statuses present, read from the seeded data.
  const districts = (
    await query<{ area: string }>(`SELECT DISTINCT substr(area_code, 1, 6) || '000000' AS area FROM procurement.contract ORDER BY 1`)
  ).map((r) => r.area);
  const tenderAreas = (
    await query<{ area: string }>(
      `SELECT DISTINCT substr(p.area_code, 1, 6) || '000000' AS area FROM procurement.tender t JOIN procurement.project p ON p.id = t.project_id WHERE t.status = 'ACTIVE' ORDER BY 1`,
    )
  ).map((r) => r.area);
  const cities = [...new Set(districts.map((d) => d.slice(0, 4).padEnd(12, '0')))];
  const tokens = new Map<string, string>();
  for (const area of new Set([...districts, ...tenderAreas, ...cities]))
    tokens.set(area, await signToken({ sub: `bench-procurement-${area}`, roles: ['PROCUREMENT_OFFICER'], area }));
  const filters = [
    { hasOverdueMilestones: true },
    { status: ['ACTIVE'], hasOverdueMilestones: true },
    { hasOverdueMilestones: true, expiringBefore: '2027-12-31' },
  ];
  const contracts = (i: number, supplier: string): BenchRequest => {
    const areas = i % 4 === 3 ? cities : districts;
    const within = areas[i % areas.length]!;
    return {
      query: `query ($f: ContractFilter, $n: Int) { contracts(filter: $f, first: $n) { totalCount edges { node { id title endsOn value { amount } paid { amount } supplier { ${supplier} } milestones { dueOn overdue } } } } }`,
      variables: { f: { within, ...filters[i % filters.length] }, n: [10, 20, 50][i % 3] },
      token: tokens.get(within),
    };
  };
  return [
    {
      name: 'procurement-contracts-overdue',
      description:
        "procurement officer: a page of the district's (or city's) contracts with overdue milestones, with payments and supplier (procurement + organizations)",
      request: (i) => contracts(i, 'id name'),
      subgraph: {
        name: 'procurement',
        request: (i) => contracts(i, 'id'),
        then: {
          name: 'organizations',
          // One representation per supplier, as the gateway sends them.
          request: (first) => ({
            query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Organization { id name } } }',
            variables: {
              r: [...new Set((first as ContractsData).contracts.edges.map((e) => e.node.supplier.id))].map((id) => ({
                __typename: 'Organization',
                id,
              })),
            },
          }),
          join: (first, second) => {
            const names = new Map((second as { _entities: { id: string; name: string }[] })._entities.map((o) => [o.id, o.name]));
            const data = first as ContractsData;
            const edges = data.contracts.edges.map((e) => ({
              node: { ...e.node, supplier: { id: e.node.supplier.id, name: names.get(e.node.supplier.id) } },
            }));
            return { contracts: { ...data.contracts, edges } };
          },
        },
        note: 'the contracts page with supplier ids, then the suppliers’ names from organizations (`_entities`), as the gateway plans it',
      },
      // The page with milestones and the supplier's name (a join where the graph asks organizations), and the count.
      sql: async (i) => {
        const { variables } = contracts(i, 'id');
        const f = variables!.f as { within: string; status?: string[]; expiringBefore?: string };
        const params = [under(f.within), f.status ?? null, f.expiringBefore ?? null];
        const where = `c.area_code LIKE $1 AND ($2::text[] IS NULL OR c.status::text = ANY($2::text[])) AND ($3::date IS NULL OR c.ends_on <= $3::date)
                       AND c.status = 'ACTIVE'
                       AND EXISTS (SELECT 1 FROM procurement.milestone m WHERE m.contract_id = c.id AND m.completed_on IS NULL AND m.due_on < (now() AT TIME ZONE 'Asia/Shanghai')::date)`;
        const [rows, [count]] = await Promise.all([
          query<{
            id: string;
            title: string;
            ends_on: string;
            value: string;
            paid: string;
            supplier_id: string;
            supplier: string;
            milestones: { dueOn: string; overdue: boolean }[];
          }>(
            `SELECT c.id::text AS id, c.title, c.ends_on::text AS ends_on, c.value::text AS value, c.paid::text AS paid, o.id::text AS supplier_id, o.name AS supplier,
                    ARRAY(SELECT json_build_object('dueOn', m.due_on::text, 'overdue', m.completed_on IS NULL AND m.due_on < (now() AT TIME ZONE 'Asia/Shanghai')::date)
                            FROM procurement.milestone m WHERE m.contract_id = c.id ORDER BY m.due_on, m.id) AS milestones
               FROM procurement.contract c JOIN organizations.organization o ON o.id = c.supplier_id
              WHERE ${where} ORDER BY c.ends_on, c.id LIMIT ${variables!.n as number}`,
            params,
          ),
          query<{ total: number }>(`SELECT count(*)::int AS total FROM procurement.contract c WHERE ${where}`, params),
        ]);
        const nodes = rows.map((r) => ({
          id: r.id,
          title: r.title,
          endsOn: r.ends_on,
          value: { amount: r.value },
          paid: { amount: r.paid },
          supplier: { id: r.supplier_id, name: r.supplier },
          milestones: r.milestones,
        }));
        return { contracts: connection(nodes, count!.total) };
      },
    },
    {
      name: 'procurement-tenders-at-risk',
      description: 'procurement officer: active tenders at risk over a district (registry supply through the peer client)',
      request: (i) => {
        const within = (tenderAreas.length ? tenderAreas : districts)[i % Math.max(1, tenderAreas.length || districts.length)]!;
        return {
          query: `query ($w: AreaCode!, $n: Int) { tendersAtRisk(within: $w, first: $n) { totalCount edges { node { eligibleSupply bidCount reasons tender { id closesAt project { title } } } } } }`,
          variables: { w: within, n: [5, 10, 20][i % 3] },
          token: tokens.get(within),
        };
      },
      subgraph: { name: 'procurement' },
    },
  ];
};

export default procurementScenarios;
