import fs from 'node:fs';
import path from 'node:path';
import { buildSchema } from 'graphql';
import { apiSchemaSdl } from '../../lib/schema-changes';
import { buildManifest, manifestProblems, readManifest, sha256 } from '../../lib/trusted-documents';
import { startTestGraph, type TestGraph } from '../support/graph';
import { tokenFor } from '../support/tokens';

/** Trusted documents: the portals' manifest, and the gateway serving by id in each mode. */

const root = path.join(__dirname, '../..');
const portals = path.join(root, 'documents/portals');
const manifest = readManifest(path.join(root, 'documents/manifest.json'));
const dashboard = manifest.operations.find((o) => o.name === 'OfficerCommunities')!;

test('the checked-in manifest is built from documents/portals and every operation is valid against the supergraph', () => {
  const sources = fs.readdirSync(portals).filter((f) => f.endsWith('.graphql')).sort().map((f) => ({ path: f, text: fs.readFileSync(path.join(portals, f), 'utf8') }));
  expect(buildManifest(sources)).toEqual(manifest);
  const schema = buildSchema(apiSchemaSdl(fs.readFileSync(path.join(root, 'schema/supergraph.graphql'), 'utf8')));
  expect(manifestProblems(manifest, schema)).toEqual([]);
  // An operation the schema no longer supports fails the build.
  const stale = buildManifest([{ path: 'stale.graphql', text: 'query Stale { communities { edges { node { retiredField } } } }' }]);
  expect(manifestProblems(stale, schema)).toEqual([expect.stringContaining('Stale: Cannot query field "retiredField"')]);
  expect(() => buildManifest([{ path: 'anonymous.graphql', text: '{ me { id } }' }])).toThrow(/needs a name/);
});

async function post(graph: TestGraph, body: Record<string, unknown>, token?: string) {
  const response = await fetch(graph.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] } };
}

describe('registered only (production)', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph({ seed: true, config: { TRUSTED_DOCUMENTS: 'only' } });
  });
  afterAll(async () => {
    await graph?.stop();
  });

  test('a registered operation is served by its id alone', async () => {
    const token = await tokenFor({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510108000000' });
    const byId = await post(graph, { extensions: { persistedQuery: { version: 1, sha256Hash: dashboard.id } }, variables: { within: '510108000000', first: 2 } }, token);
    expect(byId.body.errors).toBeUndefined();
    expect(byId.body.data.communities.edges).toHaveLength(2);
    expect(byId.body.data.communities.edges[0].node.contacts).toBeTruthy();
    const byBody = await post(graph, { query: dashboard.body, variables: { within: '510108000000', first: 1 } }, token);
    expect(byBody.body.data.communities.edges).toHaveLength(1);
  });

  test('an unregistered document or id is refused before parsing, and nothing runs', async () => {
    graph.statements.length = 0;
    const arbitrary = await post(graph, { query: '{ communities(first: 1) { totalCount } }' });
    expect(arbitrary.status).toBe(400);
    expect(arbitrary.body.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_REGISTERED');
    const malformed = await post(graph, { query: '{ this is not graphql' });
    expect(malformed.body.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_REGISTERED');
    const unknownId = await post(graph, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256('query Other { me { id } }') } } });
    expect(unknownId.body.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_REGISTERED');
    expect(graph.statements).toHaveLength(0);
  });
});

describe('registered and arbitrary (allow), with automatic persisted queries', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph({ config: { TRUSTED_DOCUMENTS: 'allow' } });
  });
  afterAll(async () => {
    await graph?.stop();
  });

  test('arbitrary documents still run; an unknown hash asks for the document once, then the hash alone works', async () => {
    expect((await post(graph, { query: '{ me { id } }' })).body).toEqual({ data: { me: null } });
    const query = 'query Apq { areas(first: 1) { totalCount } }';
    const hashOnly = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } };
    expect((await post(graph, hashOnly)).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post(graph, { ...hashOnly, query })).body.errors).toBeUndefined();
    expect((await post(graph, hashOnly)).body.data.areas.totalCount).toBeGreaterThanOrEqual(0);
  });
});
