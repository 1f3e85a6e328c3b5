import { buildTestSubgraph, type TestSubgraph } from '../../../test/support/graph';
import { viewer } from '../../../test/support/tokens';
import { ANONYMOUS } from '../../../lib/kernel/auth';
import { seedCommunities } from '../prisma/seed';

/** The communities subgraph in-process (executeOperation with an injected context). */

let subgraph: TestSubgraph;
beforeAll(async () => {
  subgraph = await buildTestSubgraph('communities');
  await seedCommunities(subgraph.database);
});
afterAll(async () => {
  await subgraph?.close();
});

test('_entities resolves Area and Community references in one batch each, unknown codes as null', async () => {
  subgraph.statements.length = 0;
  const result = await subgraph.execute(
    `query ($representations: [_Any!]!) { _entities(representations: $representations) {
       ... on Area { code name level }
       ... on Community { code name households street { name } } } }`,
    {
      representations: [
        { __typename: 'Area', code: '510108000000' },
        { __typename: 'Community', code: '510105001001' },
        { __typename: 'Community', code: '510107001001' },
        { __typename: 'Area', code: '510108999000' },
        { __typename: 'Community', code: '510108999999' },
      ],
    },
  );
  expect(result.errors).toBeUndefined();
  expect(result.data?._entities).toEqual([
    { code: '510108000000', name: '成华区', level: 'DISTRICT' },
    { code: '510105001001', name: '清波社区', households: expect.any(Number), street: { name: '苏坡街道' } },
    { code: '510107001001', name: '吉福社区', households: expect.any(Number), street: { name: '晋阳街道' } },
    null,
    null,
  ]);
  // One statement for the areas, two for the communities (areas + figures), one for the streets.
  expect(subgraph.statements.length).toBeLessThanOrEqual(4);
});

test('the service SDL is served for composition', async () => {
  const result = await subgraph.execute('{ _service { sdl } }');
  expect(result.data?._service.sdl).toMatch(/type Community\s+@key\(fields: "code"\)/);
});

test('contacts follow the caller injected into the context', async () => {
  const query = '{ community(code: "510105001001") { contacts { committeeContact } } }';
  const officer = await subgraph.execute(query, {}, viewer({ roles: ['STREET_OFFICER'], area: '510105001000' }));
  expect(officer.errors).toBeUndefined();
  expect(officer.data?.community.contacts.committeeContact).toEqual(expect.any(String));
  const otherStreet = await subgraph.execute(query, {}, viewer({ roles: ['STREET_OFFICER'], area: '510105002000' }));
  expect(otherStreet.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});

test('an unexpected failure is masked: generic message, request id, no stack', async () => {
  // A failure nothing classifies (a lost database is SERVICE_UNAVAILABLE, not this): a bug's throw.
  const context = subgraph.server.context(ANONYMOUS) as Record<string, unknown>;
  const broken = {
    ...context,
    loaders: new Proxy(
      {},
      {
        get: () => {
          throw new Error('boom: a detail no client may see');
        },
      },
    ),
  };
  const response = await subgraph.server.apollo.executeOperation(
    { query: '{ community(code: "510105001001") { name } }' },
    { contextValue: broken as never },
  );
  if (response.body.kind !== 'single') throw new Error('Expected a single result.');
  const result = response.body.singleResult;
  expect(result.errors?.[0]?.message).toMatch(/^Internal server error/);
  expect(result.errors?.[0]?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: 'local' });
  expect(JSON.stringify(result)).not.toContain('boom');
});
