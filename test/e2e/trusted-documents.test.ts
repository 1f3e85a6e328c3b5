import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ApolloClient, gql, HttpLink, InMemoryCache, type NormalizedCacheObject } from '@apollo/client/core';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { generatePersistedQueryIdsFromManifest } from '@apollo/persisted-query-lists';
import { readManifest, sha256 } from '../../lib/edge/trusted-documents';
import { buildPortalManifest, supergraphProblems } from '../../scripts/documents';
import { startTestGraph, type TestGraph } from '../support/graph';
import { tokenFor } from '../support/tokens';
import { at, nextWeekday } from '../../subgraphs/facilities/test/support';

/** Trusted documents: the portals' manifest, and the gateway serving by id in each mode. */

const root = path.join(__dirname, '../..');
const portals = path.join(root, 'documents/portals');
const manifest = readManifest(path.join(root, 'documents/manifest.json'));
const dashboard = manifest.operations.find((o) => o.name === 'OfficerCommunities')!;

test('the checked-in manifest is what `npm run documents` builds from documents/portals, and every operation is valid against the supergraph', async () => {
  expect(await buildPortalManifest()).toEqual(manifest);
  expect(manifest.operations.map((o) => o.name).sort()).toEqual(
    fs
      .readdirSync(portals)
      .filter((f) => f.endsWith('.graphql'))
      .map((f) => /(?:query|mutation) (\w+)/.exec(fs.readFileSync(path.join(portals, f), 'utf8'))![1])
      .sort(),
  );
  expect(supergraphProblems(manifest)).toEqual([]);
  // An operation the schema no longer supports fails the build.
  const stale = {
    ...manifest,
    operations: [
      { id: 'x', name: 'Stale', type: 'query' as const, body: 'query Stale { communities { edges { node { retiredField } } } }' },
    ],
  };
  expect(supergraphProblems(stale)).toEqual([expect.stringContaining('Stale: Cannot query field "retiredField"')]);
  const scratch = fs.mkdtempSync(path.join(root, 'documents/.scratch-'));
  try {
    fs.writeFileSync(path.join(scratch, 'two.graphql'), 'query A { me { id } }\nquery B { me { id } }\n');
    await expect(buildPortalManifest([path.join(scratch, 'two.graphql')])).rejects.toThrow(/one named operation per file/);
  } finally {
    fs.rmSync(scratch, { recursive: true });
  }
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
    const byId = await post(
      graph,
      { extensions: { persistedQuery: { version: 1, sha256Hash: dashboard.id } }, variables: { within: '510108000000', first: 2 } },
      token,
    );
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
    const unknownId = await post(graph, {
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256('query Other { me { id } }') } },
    });
    expect(unknownId.body.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_REGISTERED');
    expect(graph.statements).toHaveLength(0);
  });

  /** A stock Apollo Client 3: InMemoryCache (which adds __typename), the persisted-query link, node's fetch. */
  function stockClient(token: string, ids: 'manifest' | 'hashed at run time'): ApolloClient<NormalizedCacheObject> {
    const persisted = createPersistedQueryLink(
      ids === 'manifest'
        ? generatePersistedQueryIdsFromManifest({ loadManifest: () => manifest })
        : { sha256: (text: string) => createHash('sha256').update(text).digest('hex') },
    );
    return new ApolloClient({
      cache: new InMemoryCache(),
      link: persisted.concat(new HttpLink({ uri: graph.gatewayUrl, fetch, headers: { authorization: `Bearer ${token}` } })),
    });
  }

  /** The paths of objects in an answer that came without __typename. */
  const untyped = (value: unknown, path = 'data'): string[] => {
    if (Array.isArray(value)) return value.flatMap((item, i) => untyped(item, `${path}.${i}`));
    if (value === null || typeof value !== 'object') return [];
    const own = path !== 'data' && !('__typename' in value) ? [path] : [];
    return [...own, ...Object.entries(value).flatMap(([key, item]) => untyped(item, `${path}.${key}`))];
  };

  const documentOf = (name: string) => {
    const file = fs.readdirSync(portals).find((f) => fs.readFileSync(path.join(portals, f), 'utf8').includes(` ${name}(`))!;
    return gql(fs.readFileSync(path.join(portals, file), 'utf8'));
  };

  test.each(['manifest', 'hashed at run time'] as const)(
    'a stock Apollo Client (ids from the %s) runs every portal operation and gets data',
    async (ids) => {
      const [facility] = await graph.database.query<{ id: string; unit_id: string; community_code: string; kind: string }>(
        `SELECT f.id, f.unit_id, f.community_code, f.kind FROM facilities.facility f
        WHERE f.status = 'LISTED' AND NOT f.approval_required AND f.min_slots = 1 AND f.advance_days >= 10 ORDER BY f.id LIMIT 1`,
      );
      const district = `${facility!.community_code.slice(0, 6)}000000`;
      const officer = stockClient(await tokenFor({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: district }), ids);
      const procurement = stockClient(await tokenFor({ roles: ['PROCUREMENT_OFFICER'], area: district }), ids);
      const resident = stockClient(
        await tokenFor({ sub: `resident-stock-client-${ids.length}`, roles: ['RESIDENT'], area: facility!.community_code }),
        ids,
      );
      const unit = stockClient(await tokenFor({ roles: ['UNIT_ADMIN'], area: district, org: facility!.unit_id }), ids);
      const day = nextWeekday(3, 3);
      const week = { from: at(day, '00:00'), to: at(nextWeekday(3, 9), '00:00') };
      const ran = new Set<string>();
      const run = async (client: ApolloClient<NormalizedCacheObject>, name: string, variables: Record<string, unknown>) => {
        const document = documentOf(name);
        const isMutation = manifest.operations.find((o) => o.name === name)!.type === 'mutation';
        const result = isMutation
          ? await client.mutate({ mutation: document, variables })
          : await client.query({ query: document, variables, fetchPolicy: 'network-only' });
        expect({ name, errors: result.errors ?? [] }).toEqual({ name, errors: [] });
        expect(result.data).toBeTruthy();
        // The answer is to the document the client sent, __typename and all.
        expect({ name, untyped: untyped(result.data) }).toEqual({ name, untyped: [] });
        ran.add(name);
        return result.data;
      };
      await run(officer, 'OfficerCommunities', { within: district, first: 2 });
      await run(officer, 'OfficerOrganizationSupply', { within: district });
      await run(procurement, 'OfficerContracts', { within: district, first: 2 });
      await run(procurement, 'OfficerTendersAtRisk', { within: district });
      await run(resident, 'ResidentFacilitiesNearby', { kind: facility!.kind, near: facility!.community_code, ...week, first: 2 });
      const slots = (await run(resident, 'ResidentFacilityWeek', { facilityId: facility!.id, ...week })).availability as {
        startsAt: string;
        endsAt: string;
        free: number;
      }[];
      const slot = slots.find((s) => s.free > 0)!;
      const booked = await run(resident, 'ResidentBookFacility', {
        input: { facilityId: facility!.id, startsAt: slot.startsAt, endsAt: slot.endsAt, purpose: 'trusted documents' },
      });
      expect(booked.bookFacility.booking.id).toBeTruthy();
      await run(unit, 'UnitFacilities', { unitId: facility!.unit_id });
      await run(unit, 'UnitFacilityBookings', { facilityId: facility!.id, ...week });
      await run(unit, 'UnitFacilityUsage', { unitId: facility!.unit_id, from: day, to: nextWeekday(3, 9) });
      expect([...ran].sort()).toEqual(manifest.operations.map((o) => o.name).sort());
    },
  );
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
