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

test('operations by name and outcome, errors by code, latencies and subgraph fetches are counted', async () => {
  for (let i = 0; i < 3; i++) expect((await graph.request('query MetricsProbe { me { id } }')).body.errors).toBeUndefined();
  const bad = await graph.request('query MetricsBad { community(code: "12") { name } }');
  expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

  const gateway = await scrape(graph.gatewayUrl);
  expect(sample(gateway, 'graphql_server_operations_total', { graphql_operation_name: 'MetricsProbe', outcome: 'success', service: 'gateway' })).toBe(3);
  expect(sample(gateway, 'graphql_server_operations_total', { graphql_operation_name: 'MetricsBad', outcome: 'error' })).toBe(1);
  expect(sample(gateway, 'graphql_server_errors_total', { error_type: 'BAD_USER_INPUT' })).toBeGreaterThanOrEqual(1);
  expect(sample(gateway, 'graphql_server_operation_duration_seconds_count', { graphql_operation_name: 'MetricsProbe' })).toBe(3);
  expect(sample(gateway, 'http_server_request_duration_seconds_count', { http_route: '/graphql', http_response_status_code: '200' })).toBeGreaterThanOrEqual(3);
  expect(sample(gateway, 'graphql_gateway_subgraph_fetch_duration_seconds_count', { subgraph_name: 'communities', outcome: 'ok' })).toBeGreaterThanOrEqual(3);
  expect(gateway).toMatch(/^nodejs_eventloop_lag_seconds\{/m);

  // The subgraph that answered `me` counted the operations the gateway planned onto it.
  const communities = await scrape(graph.subgraphUrls.communities!);
  expect(sample(communities, 'graphql_server_operations_total', { service: 'communities', outcome: 'success' })).toBeGreaterThanOrEqual(3);
  if (databaseKind() === 'postgres') {
    expect(sample(communities, 'db_client_connection_max', { service: 'communities' })).toBeGreaterThan(0);
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
