import { buildTestSubgraph, type TestSubgraph } from '../../../test/support/graph';
import { viewer } from '../../../test/support/tokens';
import { checkCharacter } from '../../../lib/kernel/credit-code';
import {
  chengduAdmin,
  firstError,
  freshCreditCode,
  JINJIANG,
  JINJIANG_COMMUNITY,
  JINJIANG_STREET,
  jinjiangCivilAffairs,
  organizationVersion,
  orgAdmin,
  QINGYANG,
  qingyangCivilAffairs,
  register,
  REGISTER,
  registration,
  rowCounts,
} from './support';

/**
 * The registry in-process (executeOperation with an injected caller): registration and its
 * rules, entity resolution, queries and filters, the non-public fields and profile updates.
 */

let sub: TestSubgraph;
beforeAll(async () => {
  sub = await buildTestSubgraph('organizations');
});
afterAll(async () => {
  await sub?.close();
});

describe('registerOrganization', () => {
  test('a district civil-affairs officer registers an organisation with its first status and an audit event', async () => {
    const before = await rowCounts(sub);
    const created = await register(sub, { name: '成都市锦江区晋阳街道社会工作服务站' });
    expect(created).toMatchObject({
      name: '成都市锦江区晋阳街道社会工作服务站',
      kind: 'SOCIAL_SERVICE_AGENCY',
      status: 'ACTIVE',
      version: 1,
    });
    expect(await rowCounts(sub)).toEqual({
      ...before,
      organizations: before.organizations + 1,
      serviceAreas: before.serviceAreas + 1,
      statusChanges: before.statusChanges + 1,
      auditEvents: before.auditEvents + 1,
    });
    const { data } = await sub.execute(
      'query ($id: ID!) { organization(id: $id) { statusHistory { from to reason actor actorRoles } } }',
      { id: created.id },
      jinjiangCivilAffairs,
    );
    expect(data?.organization.statusHistory).toEqual([
      { from: null, to: 'ACTIVE', reason: 'Registered.', actor: 'civil-affairs-jinjiang', actorRoles: ['DISTRICT_CIVIL_AFFAIRS'] },
    ]);
  });

  test('a city administrator registers too; a filed community organisation has no credit code', async () => {
    const filed = await register(
      sub,
      { name: '锦江区春熙社区舞蹈队', kind: 'COMMUNITY_FILED', creditCode: null, registrationAreaCode: JINJIANG_STREET },
      chengduAdmin,
    );
    expect(filed.creditCode).toBeNull();
  });

  const cases: [string, string, Record<string, unknown>, RegExp][] = [
    ['blank name', 'input.name', { name: '   ' }, /must not be empty/],
    ['long name', 'input.name', { name: '养'.repeat(101) }, /at most 100/],
    ['missing credit code', 'input.creditCode', { creditCode: null }, /needs its Unified Social Credit Code/],
    ['credit code on a filed organisation', 'input.creditCode', { kind: 'COMMUNITY_FILED' }, /has no credit code/],
    ['credit code of another kind', 'input.creditCode', { kind: 'ENTERPRISE' }, /starts with 91/],
    ['credit code of the wrong length', 'input.creditCode', { creditCode: '52510104MJ000000' }, /18 characters/],
    ['credit code with a forbidden letter', 'input.creditCode', { creditCode: '52510104MJ00000O1X' }, /"O" is not one of/],
    ['future registration date', 'input.registrationDate', { registrationDate: '2999-01-01' }, /in the future/],
    ['impossible registration date', 'input.registrationDate', { registrationDate: '2021-02-30' }, /not a calendar date/],
    ['long legal representative', 'input.legalRepresentative', { legalRepresentative: '王'.repeat(51) }, /must be at most 50 characters/],
    ['long address', 'input.contact.address', { contact: { address: '路'.repeat(201) } }, /must be at most 200 characters/],
    ['bad phone', 'input.contact.phone', { contact: { phone: '12345' } }, /PhoneNumber|phone/i],
    ['bad email', 'input.contact.email', { contact: { email: 'not-an-email' } }, /email/i],
    [
      'too many service areas',
      'input.serviceAreaCodes',
      { serviceAreaCodes: Array.from({ length: 51 }, (_, i) => `510104001${String(i + 1).padStart(3, '0')}`) },
      /At most 50/,
    ],
    ['bad service area code', 'input.serviceAreaCodes[0]', { serviceAreaCodes: ['5101040010'] }, /12 digits/],
    ['bad registration area', 'input.registrationAreaCode', { registrationAreaCode: '51010400000X' }, /12 digits/],
    ['negative staff count', 'input.staffCount', { staffCount: -1 }, /non-negative|NonNegativeInt/i],
    ['blank incubator', 'input.incubation.incubator', { incubation: { incubator: ' ', since: '2020-01-01' } }, /must not be empty/],
    [
      'future incubation',
      'input.incubation.since',
      { incubation: { incubator: '锦江区社会组织孵化园', since: '2999-01-01' } },
      /in the future/,
    ],
  ];

  test.each(cases)('%s is BAD_USER_INPUT on %s and writes nothing', async (_, field, overrides, message) => {
    const before = await rowCounts(sub);
    const result = await sub.execute(REGISTER, { input: registration(overrides) }, jinjiangCivilAffairs);
    const error = firstError(result);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(error.message).toMatch(message);
    expect(await rowCounts(sub)).toEqual(before);
  });

  test('a wrong check character names the expected one (DOMAIN.md samples)', async () => {
    for (const [code, kind] of [
      ['53440300MJL0167883', 'FOUNDATION'],
      ['52110101MJ0018899X', 'SOCIAL_SERVICE_AGENCY'],
    ]) {
      const expected = checkCharacter(code!.slice(0, 17));
      const error = firstError(await sub.execute(REGISTER, { input: registration({ creditCode: code, kind }) }, jinjiangCivilAffairs));
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.creditCode', expectedCheckCharacter: expected });
      expect(error.message).toContain(`expected ${expected}`);
    }
    // The valid national foundation registers, by an administrator whose jurisdiction covers Beijing.
    const nation = viewer({ roles: ['CITY_ADMIN'], area: '110000000000' });
    const foundation = await register(
      sub,
      { creditCode: '53100000500019795A', kind: 'FOUNDATION', registrationAreaCode: '110100000000' },
      nation,
    );
    expect(foundation.creditCode).toBe('53100000500019795A');
  });

  test('a duplicate credit code is a CONFLICT and writes nothing', async () => {
    const code = freshCreditCode('51');
    await register(sub, { creditCode: code, kind: 'SOCIAL_ASSOCIATION' });
    const before = await rowCounts(sub);
    const error = firstError(
      await sub.execute(REGISTER, { input: registration({ creditCode: code, kind: 'SOCIAL_ASSOCIATION' }) }, jinjiangCivilAffairs),
    );
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.creditCode' });
    expect(await rowCounts(sub)).toEqual(before);
  });

  test('only the registering authority inside its jurisdiction registers', async () => {
    const before = await rowCounts(sub);
    const outside = firstError(await sub.execute(REGISTER, { input: registration() }, qingyangCivilAffairs));
    expect(outside.extensions?.code).toBe('FORBIDDEN');
    const worker = viewer({ roles: ['COMMUNITY_WORKER'], area: JINJIANG_COMMUNITY });
    expect(firstError(await sub.execute(REGISTER, { input: registration() }, worker)).extensions?.code).toBe('FORBIDDEN');
    expect(firstError(await sub.execute(REGISTER, { input: registration() })).extensions?.code).toBe('UNAUTHENTICATED');
    expect(await rowCounts(sub)).toEqual(before);
  });
});

describe('entity resolution', () => {
  test('_entities resolves Organization representations through the loader; unknown and malformed ids give null', async () => {
    const a = await register(sub, { name: '锦江区书院街街道阳光助残服务中心' });
    const b = await register(sub, { name: '锦江区水井坊街道长者照护中心' });
    sub.statements.length = 0;
    const { data, errors } = await sub.execute(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Organization { id name } } }`,
      {
        r: [
          { __typename: 'Organization', id: a.id },
          { __typename: 'Organization', id: '00000000-0000-4000-8000-000000000000' },
          { __typename: 'Organization', id: b.id },
          { __typename: 'Organization', id: 'not-a-uuid' },
        ],
      },
    );
    expect(errors).toBeUndefined();
    expect(data?._entities).toEqual([{ id: a.id, name: a.name }, null, { id: b.id, name: b.name }, null]);
    expect(sub.statements).toHaveLength(1);
  });

  test('Community entities list the active organisations serving them, batched', async () => {
    const { data, errors } = await sub.execute(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Community { code organizations(first: 2) { totalCount edges { node { name } } } } } }`,
      {
        r: [
          { __typename: 'Community', code: JINJIANG_COMMUNITY },
          { __typename: 'Community', code: '510105001001' },
        ],
      },
    );
    expect(errors).toBeUndefined();
    expect(data?._entities[0].organizations.totalCount).toBeGreaterThan(0);
    expect(data?._entities[1].organizations).toEqual({ totalCount: 0, edges: [] });
  });
});

describe('queries', () => {
  let ids: Record<string, string>;
  beforeAll(async () => {
    const district = await register(
      sub,
      {
        name: '青羊区同心志愿者协会',
        kind: 'SOCIAL_ASSOCIATION',
        creditCode: freshCreditCode('51', QINGYANG),
        registrationAreaCode: QINGYANG,
        categories: ['VOLUNTEERING'],
        serviceAreaCodes: [QINGYANG],
      },
      qingyangCivilAffairs,
    );
    const street = await register(
      sub,
      {
        name: '青羊区苏坡街道社会工作服务站',
        registrationAreaCode: QINGYANG,
        categories: ['SOCIAL_WORK', 'VOLUNTEERING'],
        serviceAreaCodes: ['510105001000'],
      },
      qingyangCivilAffairs,
    );
    const community = await register(
      sub,
      {
        name: '青羊区清波社区居家养老服务站',
        registrationAreaCode: QINGYANG,
        categories: ['ELDERLY_CARE'],
        serviceAreaCodes: ['510105001001'],
      },
      qingyangCivilAffairs,
    );
    const elsewhere = await register(
      sub,
      {
        name: '青羊区抚琴街道西南街社区养老服务中心',
        registrationAreaCode: QINGYANG,
        categories: ['ELDERLY_CARE'],
        serviceAreaCodes: ['510105002001'],
      },
      qingyangCivilAffairs,
    );
    ids = { district: district.id, street: street.id, community: community.id, elsewhere: elsewhere.id };
    await sub.execute(
      `mutation ($input: RecordEvaluationGradeInput!) { recordEvaluationGrade(input: $input) { organization { id } } }`,
      {
        input: {
          organizationId: street.id,
          expectedVersion: await organizationVersion(sub, street.id),
          grade: 'GRADE_4A',
          awardedOn: '2024-01-01',
          validUntil: '2029-01-01',
        },
      },
      qingyangCivilAffairs,
    );
  });

  const names = async (filter: Record<string, unknown>) => {
    const { data, errors } = await sub.execute(
      'query ($f: OrganizationFilter) { organizations(filter: $f, first: 100) { totalCount edges { node { id } } } }',
      { f: filter },
    );
    expect(errors).toBeUndefined();
    expect(data?.organizations.totalCount).toBe(data?.organizations.edges.length);
    return (data?.organizations.edges as { node: { id: string } }[]).map((edge) => edge.node.id).sort();
  };

  test('servesArea matches service areas covering the area or lying inside it', async () => {
    // A community: the district and street areas cover it, its own area is it.
    expect(await names({ servesArea: '510105001001' })).toEqual([ids.district, ids.street, ids.community].sort());
    // A street: the district covers it, the community lies inside it.
    expect(await names({ servesArea: '510105001000' })).toEqual([ids.district, ids.street, ids.community].sort());
    // The district: everything inside it.
    expect(await names({ servesArea: QINGYANG })).toEqual(Object.values(ids).sort());
  });

  test('kind, category, minGrade and Chinese name search filter, and combine', async () => {
    expect(await names({ servesArea: QINGYANG, kind: 'SOCIAL_ASSOCIATION' })).toEqual([ids.district]);
    expect(await names({ servesArea: QINGYANG, category: 'VOLUNTEERING' })).toEqual([ids.district, ids.street].sort());
    expect(await names({ servesArea: QINGYANG, minGrade: 'GRADE_3A' })).toEqual([ids.street]);
    expect(await names({ servesArea: QINGYANG, minGrade: 'GRADE_5A' })).toEqual([]);
    expect(await names({ nameContains: '养老', servesArea: QINGYANG })).toEqual([ids.community, ids.elsewhere].sort());
    expect(await names({ nameContains: '西南街' })).toEqual([ids.elsewhere]);
    expect(await names({ nameContains: '清' })).toEqual([ids.community]);
    expect(await names({ status: 'REVOKED', servesArea: QINGYANG })).toEqual([]);
  });

  test('pages are ordered by name with opaque cursors', async () => {
    const query =
      'query ($after: String) { organizations(filter: { servesArea: "510105000000" }, first: 3, after: $after) { edges { node { name } cursor } pageInfo { hasNextPage endCursor } } }';
    const first = await sub.execute(query, {});
    const second = await sub.execute(query, { after: first.data?.organizations.pageInfo.endCursor });
    const all = [...first.data?.organizations.edges, ...second.data?.organizations.edges].map(
      (e: { node: { name: string } }) => e.node.name,
    );
    expect(first.data?.organizations.pageInfo.hasNextPage).toBe(true);
    expect(second.data?.organizations.pageInfo.hasNextPage).toBe(false);
    expect(all).toHaveLength(4);
    const { data } = await sub.execute('{ organizations(filter: { servesArea: "510105000000" }, first: 10) { edges { node { name } } } }');
    expect(all).toEqual(data?.organizations.edges.map((e: { node: { name: string } }) => e.node.name));
    const bad = firstError(await sub.execute(query, { after: 'nonsense' }));
    expect(bad.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  test('organizationByCreditCode finds the one organisation', async () => {
    const code = freshCreditCode('52');
    const created = await register(sub, { creditCode: code });
    const { data } = await sub.execute('query ($c: CreditCode!) { organizationByCreditCode(code: $c) { id } }', { c: code });
    expect(data?.organizationByCreditCode).toEqual({ id: created.id });
    const none = await sub.execute('query ($c: CreditCode!) { organizationByCreditCode(code: $c) { id } }', { c: freshCreditCode('52') });
    expect(none.data?.organizationByCreditCode).toBeNull();
  });

  test('name search is backed by the GIN index on name_grams', async () => {
    const plan = await sub.database.withSession(async (session) => {
      await session.exec('BEGIN; SET LOCAL enable_seqscan = off');
      try {
        return await session.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT id FROM organizations.organization WHERE name_grams @> ARRAY['养老'] AND name ILIKE '%养老%'`,
        );
      } finally {
        await session.exec('ROLLBACK');
      }
    });
    expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain('organization_name_grams_idx');
  });
});

describe('non-public fields and profile updates', () => {
  const PRIVATE = 'query ($id: ID!) { organization(id: $id) { name contact { phone address } annualReports { year } } }';
  let own: { id: string };
  let other: { id: string };
  beforeAll(async () => {
    own = await register(sub, { name: '锦江区牛市口街道阳光志愿者协会', kind: 'SOCIAL_ASSOCIATION', creditCode: freshCreditCode('51') });
    other = await register(sub, { name: '锦江区春熙路街道彩虹青少年发展中心' });
  });

  test.each([
    ['the organisation’s own admin', () => orgAdmin(own.id)],
    ['the registering district officer', () => jinjiangCivilAffairs],
    ['a street officer of the registration area', () => viewer({ roles: ['STREET_OFFICER'], area: JINJIANG })],
  ])('%s reads contact and reports', async (_, caller) => {
    const { data, errors } = await sub.execute(PRIVATE, { id: own.id }, caller());
    expect(errors).toBeUndefined();
    expect(data?.organization).toMatchObject({ contact: { phone: '+862880000001' }, annualReports: [] });
  });

  test.each([
    ['anonymous callers', undefined, 'UNAUTHENTICATED'],
    ['officers outside the jurisdiction', qingyangCivilAffairs, 'FORBIDDEN'],
    ['another organisation’s admin', 'other', 'FORBIDDEN'],
    ['a resident', viewer({ roles: ['RESIDENT'], area: JINJIANG_COMMUNITY }), 'FORBIDDEN'],
  ] as const)('%s get the public fields and an error on each private one', async (_, who, code) => {
    const caller = who === 'other' ? orgAdmin(other.id) : who;
    const { data, errors } = await sub.execute(PRIVATE, { id: own.id }, caller);
    expect(data?.organization).toEqual({ name: '锦江区牛市口街道阳光志愿者协会', contact: null, annualReports: null });
    expect(errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([
      ['organization.contact', code],
      ['organization.annualReports', code],
    ]);
  });

  const UPDATE = `mutation ($input: UpdateOrganizationProfileInput!) {
    updateOrganizationProfile(input: $input) { organization { name version staffCount categories serviceAreaCodes contact { phone address } incubation { incubator since } } }
  }`;

  test('the organisation’s admin edits its own profile and not another’s', async () => {
    const { data, errors } = await sub.execute(
      UPDATE,
      {
        input: {
          id: own.id,
          expectedVersion: await organizationVersion(sub, own.id),
          staffCount: 12,
          categories: ['VOLUNTEERING', 'VOLUNTEERING'],
          serviceAreaCodes: [JINJIANG_STREET, JINJIANG_COMMUNITY],
          contact: { phone: '+862880000099' },
          incubation: null,
        },
      },
      orgAdmin(own.id),
    );
    expect(errors).toBeUndefined();
    expect(data?.updateOrganizationProfile.organization).toEqual({
      name: '锦江区牛市口街道阳光志愿者协会',
      version: 2,
      staffCount: 12,
      categories: ['VOLUNTEERING'],
      serviceAreaCodes: [JINJIANG_STREET, JINJIANG_COMMUNITY],
      contact: { phone: '+862880000099', address: null },
      incubation: null,
    });
    const trail = await sub.database.query<{ action: string; actor: string }>(
      `SELECT action, actor FROM organizations.audit_event WHERE entity_id = $1 ORDER BY id DESC LIMIT 1`,
      [own.id],
    );
    expect(trail).toEqual([{ action: 'UPDATE_PROFILE', actor: `admin-${own.id}` }]);

    const before = await rowCounts(sub);
    const refused = firstError(await sub.execute(UPDATE, { input: { id: other.id, staffCount: 1 } }, orgAdmin(own.id)));
    expect(refused.extensions?.code).toBe('FORBIDDEN');
    expect(firstError(await sub.execute(UPDATE, { input: { id: own.id, staffCount: 1 } }, qingyangCivilAffairs)).extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect(firstError(await sub.execute(UPDATE, { input: { id: own.id, staffCount: 1 } })).extensions?.code).toBe('UNAUTHENTICATED');
    expect(await rowCounts(sub)).toEqual(before);
  });

  test('the name and legal representative are changed by the authority, not the admin', async () => {
    const refused = firstError(await sub.execute(UPDATE, { input: { id: own.id, name: '新名字协会' } }, orgAdmin(own.id)));
    expect(refused.extensions?.code).toBe('FORBIDDEN');
    const { data, errors } = await sub.execute(
      UPDATE,
      {
        input: {
          id: own.id,
          expectedVersion: await organizationVersion(sub, own.id),
          name: '锦江区牛市口街道阳光志愿服务协会',
          reason: '变更登记',
        },
      },
      jinjiangCivilAffairs,
    );
    expect(errors).toBeUndefined();
    expect(data?.updateOrganizationProfile.organization.name).toBe('锦江区牛市口街道阳光志愿服务协会');
  });

  test.each([
    ['nothing to change', 'input', {}],
    ['blank name', 'input.name', { name: ' ' }],
    ['long legal representative', 'input.legalRepresentative', { legalRepresentative: '李'.repeat(51) }],
    ['long address', 'input.contact.address', { contact: { address: '街'.repeat(201) } }],
    [
      'too many service areas',
      'input.serviceAreaCodes',
      { serviceAreaCodes: Array.from({ length: 51 }, (_, i) => `510104001${String(i + 1).padStart(3, '0')}`) },
    ],
    ['future incubation', 'input.incubation.since', { incubation: { incubator: '锦江区社会组织孵化园', since: '2999-01-01' } }],
    ['negative volunteers', 'input.volunteerCount', { volunteerCount: -3 }],
  ])('%s is BAD_USER_INPUT on %s and writes nothing', async (_, field, changes) => {
    const before = await rowCounts(sub);
    const error = firstError(await sub.execute(UPDATE, { input: { id: own.id, ...changes } }, jinjiangCivilAffairs));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await rowCounts(sub)).toEqual(before);
  });

  test('a stale expectedVersion is a CONFLICT; an unknown id NOT_FOUND', async () => {
    const error = firstError(await sub.execute(UPDATE, { input: { id: own.id, expectedVersion: 1, staffCount: 3 } }, jinjiangCivilAffairs));
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.expectedVersion' });
    const missing = firstError(
      await sub.execute(UPDATE, { input: { id: '00000000-0000-4000-8000-000000000000', staffCount: 3 } }, jinjiangCivilAffairs),
    );
    expect(missing.extensions?.code).toBe('NOT_FOUND');
  });
});
