import type { TestSubgraph } from '../../../test/support/graph';
import { seededSubgraph } from './support';
import { viewer } from '../../../test/support/tokens';
import { seededRandom } from '../../../seed/random';

/**
 * Generated bad input for every mutation and every paged read: wrong types, huge strings, NUL
 * characters, negative and out-of-range numbers, malformed ids and cursors. None may give an
 * internal error; every refusal carries a code, and input refusals name a field.
 */

let subgraph: TestSubgraph;
let premisesId: string;
let developmentId: string;
let communityCode: string;
let developerId: string;

beforeAll(async () => {
  ({ subgraph, premisesId, developmentId, communityCode, developerId } = await seededSubgraph('5101'));
});
afterAll(async () => {
  await subgraph?.close();
});

const BAD_VALUES: unknown[] = [
  null,
  '',
  ' ',
  'x'.repeat(100_000),
  'a\u0000b',
  '社区\u0007',
  -1,
  0,
  2_147_483_648,
  1e20,
  -1e20,
  1.5,
  true,
  [],
  {},
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  '99999999999999999.99',
  '-5.00',
  '1e5',
  '2024-02-30',
  '0000-00-00',
  '510107001001',
  '000000000000',
];

const MUTATIONS: { name: string; type: string; base: () => Record<string, unknown> }[] = [
  {
    name: 'registerDevelopment',
    type: 'RegisterDevelopmentInput',
    base: () => ({ developerId, communityCode, name: '模糊楼盘', landGrantDate: '2020-01-01', plannedHouseholds: 100 }),
  },
  {
    name: 'planPremises',
    type: 'PlanPremisesInput',
    base: () => ({ developmentId, building: '1栋', floor: 1, unit: '101', plannedArea: '400.00', purpose: '社区用房' }),
  },
  { name: 'signPremisesPlan', type: 'SignPremisesPlanInput', base: () => ({ premisesId, expectedVersion: 1, role: 'STREET_OFFICER' }) },
  { name: 'publishPremisesNotice', type: 'PremisesStepInput', base: () => ({ premisesId, expectedVersion: 1 }) },
  { name: 'startPremisesConstruction', type: 'PremisesStepInput', base: () => ({ premisesId, expectedVersion: 1 }) },
  { name: 'requestPremisesInspection', type: 'PremisesStepInput', base: () => ({ premisesId, expectedVersion: 1 }) },
  {
    name: 'inspectPremises',
    type: 'InspectPremisesInput',
    base: () => ({
      premisesId,
      expectedVersion: 1,
      role: 'STREET_OFFICER',
      measuredArea: '400',
      locationAsPlanned: true,
      aboveGround: true,
      regularShape: true,
      noPartitions: true,
      ownEntrance: true,
      utilities: true,
      notes: 'n',
    }),
  },
  {
    name: 'countersignInspection',
    type: 'SignPremisesPlanInput',
    base: () => ({ premisesId, expectedVersion: 1, role: 'DISTRICT_CIVIL_AFFAIRS' }),
  },
  { name: 'rectifyPremises', type: 'RectifyPremisesInput', base: () => ({ premisesId, expectedVersion: 1, description: '整改' }) },
  {
    name: 'handOverPremises',
    type: 'HandOverPremisesInput',
    base: () => ({ premisesId, expectedVersion: 1, titleCertificateNumber: 'T', transferredOn: '2024-01-01' }),
  },
  { name: 'putPremisesInUse', type: 'PremisesStepInput', base: () => ({ premisesId, expectedVersion: 1 }) },
  {
    name: 'publishReferencePrice',
    type: 'PublishReferencePriceInput',
    base: () => ({ city: '510100000000', year: 2002, priceType: 'COMMERCIAL', zone: 'CITY_WIDE', unitPrice: '1.00', sourceDocument: 's' }),
  },
  {
    name: 'valueBuyback',
    type: 'ValueBuybackInput',
    base: () => ({
      premisesId,
      expectedVersion: 1,
      priceType: 'RESIDENTIAL',
      zone: 'CITY_WIDE',
      referenceYear: 2003,
      referenceYearReason: 'r',
    }),
  },
  { name: 'approveBuyback', type: 'BuybackStepInput', base: () => ({ premisesId, expectedVersion: 1 }) },
  {
    name: 'recordBuybackPayment',
    type: 'RecordBuybackPaymentInput',
    base: () => ({ premisesId, expectedVersion: 1, paymentReference: 'P', paidOn: '2024-01-01' }),
  },
  {
    name: 'recordLease',
    type: 'RecordLeaseInput',
    base: () => ({
      communityCode,
      landlord: 'L',
      address: `模糊路${Math.random()}号`,
      area: '10',
      monthlyRent: '10.00',
      startsOn: '2024-01-01',
      endsOn: '2024-02-01',
    }),
  },
];

/** Every role that acts somewhere here, over the whole city, for the seeded developer. */
const everyone = () => ({
  ...viewer({
    roles: ['DISTRICT_CIVIL_AFFAIRS', 'STREET_OFFICER', 'CITY_ADMIN', 'HOUSING_AUTHORITY', 'DEVELOPER', 'COMMUNITY_WORKER'],
    area: '510100000000',
    id: 'fuzzer',
  }),
  org: developerId,
});

function check(errors: readonly { message: string; extensions?: Record<string, unknown> }[] | undefined, what: string) {
  for (const error of errors ?? []) {
    const code = error.extensions?.code;
    if (code === 'INTERNAL_SERVER_ERROR' || code === undefined) throw new Error(`${what}: ${String(code)} ${error.message}`);
    if (code === 'BAD_USER_INPUT' && typeof error.extensions?.field !== 'string')
      throw new Error(`${what}: BAD_USER_INPUT without field: ${error.message}`);
  }
}

test.each(MUTATIONS)('$name: every field with every bad value', async ({ name, type, base }) => {
  const query = `mutation ($i: ${type}!) { ${name}(input: $i) { __typename } }`;
  for (const field of Object.keys(base())) {
    for (const value of BAD_VALUES) {
      const result = await subgraph.execute(query, { i: { ...base(), [field]: value } }, everyone());
      check(result.errors, `${name}.${field}=${JSON.stringify(value)?.slice(0, 40)}`);
    }
  }
  // And random combinations.
  const random = seededRandom(name.length * 7919);
  for (let n = 0; n < 30; n++) {
    const input = Object.fromEntries(
      Object.keys(base()).map((field) => [field, random() < 0.5 ? base()[field] : BAD_VALUES[Math.floor(random() * BAD_VALUES.length)]]),
    );
    const result = await subgraph.execute(query, { i: input }, everyone());
    check(result.errors, `${name} ${JSON.stringify(input).slice(0, 80)}`);
  }
});

const CURSORS = [
  '',
  'x',
  '%%%',
  Buffer.from('["c1","x"]').toString('base64url'),
  Buffer.from('["c1",1,2,3,4,5]').toString('base64url'),
  Buffer.from('["c1","a","b"]').toString('base64url'),
  Buffer.from('["c1","2024-01-01","not-uuid"]').toString('base64url'),
  Buffer.from('["c1","9999999999999.99","x"]').toString('base64url'),
  Buffer.from('{"a":1}').toString('base64url'),
];

test.each([
  ['developments', `query ($a: String, $f: Int) { developments(within: "510107000000", first: $f, after: $a) { totalCount } }`],
  ['referencePrices', `query ($a: String, $f: Int) { referencePrices(city: "510100000000", first: $f, after: $a) { totalCount } }`],
  ['clearanceQueries', `query ($a: String, $f: Int, $d: ID!) { clearanceQueries(developmentId: $d, first: $f, after: $a) { totalCount } }`],
  [
    'leasesExpiring',
    `query ($a: String, $f: Int) { leasesExpiring(within: "510107000000", days: 30, first: $f, after: $a) { totalCount } }`,
  ],
  ['premisesShortfall', `query ($a: String, $f: Int) { premisesShortfall(within: "510107000000", first: $f, after: $a) { totalCount } }`],
  [
    'Community.premises',
    `query ($a: String, $f: Int, $r: [_Any!]!) { _entities(representations: $r) { ... on Community { premises(first: $f, after: $a) { totalCount } leases(first: $f, after: $a) { totalCount } } } }`,
  ],
  [
    'Organization.developments',
    `query ($a: String, $f: Int, $o: [_Any!]!) { _entities(representations: $o) { ... on Organization { developments(first: $f, after: $a) { totalCount } } } }`,
  ],
])('%s: malformed cursors and page sizes', async (_name, query) => {
  for (const after of CURSORS) {
    for (const first of [-1, 101, 2_147_483_648, 5]) {
      const result = await subgraph.execute(
        query,
        {
          a: after,
          f: first,
          d: developmentId,
          r: [{ __typename: 'Community', code: communityCode }],
          o: [{ __typename: 'Organization', id: developerId }],
        },
        everyone(),
      );
      check(result.errors, `${_name} after=${after} first=${first}`);
      // An empty cursor means the first page; anything else here is refused.
      if (after !== '' || first !== 5) expect(result.errors?.length).toBeGreaterThan(0);
    }
  }
});

test('malformed ids in reads and days out of range', async () => {
  for (const id of ['x', '', '00000000-0000-0000-0000-00000000000g', 'a\u0000']) {
    const result = await subgraph.execute(`query ($id: ID!) { premises(id: $id) { id } development(id: $id) { id } }`, { id }, everyone());
    // A malformed id finds nothing; a NUL character is refused at the edge.
    if (id.includes('\u0000')) expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    else expect(result).toEqual({ data: { premises: null, development: null } });
    const clearance = await subgraph.execute(
      `query ($id: ID!) { salesPermitClearance(developmentId: $id) { status } }`,
      { id },
      everyone(),
    );
    expect(clearance.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  }
  for (const days of [-1, 367, 2_147_483_648]) {
    const result = await subgraph.execute(
      `query ($d: Int!) { leasesExpiring(within: "510107000000", days: $d) { totalCount } }`,
      { d: days },
      everyone(),
    );
    check(result.errors, `days=${days}`);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  }
});
