import { databaseKind } from '../support/database';
import { startTestGraph, type TestGraph } from '../support/graph';

/** `/metrics` on the gateway and every subgraph, scraped after known traffic. */

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph();
});
afterAll(async () => {
  await graph?.stop();
});

async function scrape(graphqlUrl: string): Promise<string> {
  const response = await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return response.text();
}

/** The value of the sample of `name` carrying every given label. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** How much each sample grew between two scrapes (0 for a series that did not exist before). */
function growth(before: string, after: string) {
  return (name: string, labels: Record<string, string>) => (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
}

test('operations by name and outcome, errors by code, latencies and subgraph fetches are counted', async () => {
  const gatewayBefore = await scrape(graph.gatewayUrl);
  const communitiesBefore = await scrape(graph.subgraphUrls.communities!);
  for (let i = 0; i < 3; i++) expect((await graph.request('query MetricsProbe { me { id } }')).body.errors).toBeUndefined();
  const bad = await graph.request('query MetricsBad { community(code: "12") { name } }');
  expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  const forbidden = await graph.request('query MetricsLeases { leasesExpiring(within: "510104000000", days: 30) { totalCount } }');
  const forbiddenCode = String(forbidden.body.errors?.[0]?.extensions?.code);
  expect(forbiddenCode).toMatch(/^(UNAUTHENTICATED|FORBIDDEN)$/);

  const gateway = growth(gatewayBefore, await scrape(graph.gatewayUrl));
  expect(
    gateway('graphql_server_operations_total', { graphql_operation_name: 'MetricsProbe', outcome: 'success', service: 'gateway' }),
  ).toBe(3);
  expect(gateway('graphql_server_operations_total', { graphql_operation_name: 'MetricsBad', outcome: 'error' })).toBe(1);
  expect(gateway('graphql_server_operations_total', { graphql_operation_name: 'MetricsLeases', outcome: 'error' })).toBe(1);
  expect(gateway('graphql_server_errors_total', { error_type: 'BAD_USER_INPUT' })).toBe(1);
  expect(gateway('graphql_server_errors_total', { error_type: forbiddenCode })).toBe(1);
  expect(gateway('graphql_server_operation_duration_seconds_count', { graphql_operation_name: 'MetricsProbe' })).toBe(3);
  expect(
    gateway('http_server_request_duration_seconds_count', {
      http_route: '/graphql',
      http_request_method: 'POST',
      http_response_status_code: String(bad.status),
    }),
  ).toBe(bad.status === 200 ? 5 : 4);
  // One fetch to communities per probe; the bad code is refused by the gateway before planning.
  expect(gateway('graphql_gateway_subgraph_fetch_duration_seconds_count', { subgraph_name: 'communities', outcome: 'ok' })).toBe(3);
  expect(gateway('graphql_gateway_subgraph_fetch_duration_seconds_count', { subgraph_name: 'housing', outcome: 'ok' })).toBe(1);

  // The subgraphs count the operations the gateway planned onto them.
  const communities = growth(communitiesBefore, await scrape(graph.subgraphUrls.communities!));
  expect(
    communities('graphql_server_operations_total', {
      service: 'communities',
      graphql_operation_name: 'MetricsProbe__communities__0',
      outcome: 'success',
    }),
  ).toBe(3);
  expect(
    communities('http_server_request_duration_seconds_count', {
      service: 'communities',
      http_route: '/graphql',
      http_response_status_code: '200',
    }),
  ).toBe(3);
});

test('event-loop lag and, on PostgreSQL, the connection pool are exposed', async () => {
  const gateway = await scrape(graph.gatewayUrl);
  expect(sample(gateway, 'nodejs_eventloop_lag_seconds', { service: 'gateway' })).toBeGreaterThanOrEqual(0);
  expect(sample(gateway, 'nodejs_eventloop_lag_p99_seconds', { service: 'gateway' })).toBeGreaterThanOrEqual(0);
  // The pool closes a connection idle for 10 s: use it just before reading its gauges.
  if (databaseKind() === 'postgres') await graph.database.query('SELECT 1');
  const communities = await scrape(graph.subgraphUrls.communities!);
  if (databaseKind() === 'postgres') {
    const max = graph.database.poolStats!().max;
    expect(sample(communities, 'db_client_connection_max', { service: 'communities' })).toBe(max);
    const idle = sample(communities, 'db_client_connection_count', { db_client_connection_state: 'idle' });
    const used = sample(communities, 'db_client_connection_count', { db_client_connection_state: 'used' });
    // The pool has just answered, so it holds at least one connection, within its ceiling.
    expect(idle! + used!).toBeGreaterThanOrEqual(1);
    expect(idle! + used!).toBeLessThanOrEqual(max);
    expect(sample(communities, 'db_client_connection_pending_requests', { service: 'communities' })).toBe(0);
  } else {
    // PGlite is one in-process connection: no pool to report.
    expect(communities).not.toContain('db_client_connection_count');
  }
});

test('client-chosen operation names cannot grow the registry: odd names are counted as other', async () => {
  await graph.request('query ThisIsFine { me { id } }');
  await graph.request(`query ${'A'.repeat(80)} { me { id } }`);
  const gateway = await scrape(graph.gatewayUrl);
  expect(sample(gateway, 'graphql_server_operations_total', { graphql_operation_name: 'ThisIsFine' })).toBe(1);
  expect(gateway).not.toContain('A'.repeat(80));
  expect(sample(gateway, 'graphql_server_operations_total', { graphql_operation_name: 'other' })).toBeGreaterThanOrEqual(1);
});
