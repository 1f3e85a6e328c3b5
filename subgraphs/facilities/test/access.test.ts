import { randomUUID } from 'node:crypto';
import type { Role } from '../../../lib/kernel/auth';
import { startTestGraph, type TestGraph } from '../../../test/support/graph';
import {
  at,
  BOOK,
  CHANGE,
  JIFU,
  JINYANG_STREET,
  listedFacility,
  newUnit,
  nextWeekday,
  REGISTER,
  registerInput,
  token,
  WUHOU,
  type Unit,
} from './support';

/** Access by role and jurisdiction, field by field and mutation by mutation; and fuzzed input. */

let graph: TestGraph;
let unit: Unit;
let submitted: string;
let listed: string;
let bookingId: string;
let waitlistEntryId: string;
const BOOKER = 'matrix-booker';
const JOIN = `mutation ($input: JoinWaitlistInput!) { joinWaitlist(input: $input) { entry { id } } }`;

type Caller = { name: string; roles: Role[]; area: string; org?: 'own' | 'other'; sub?: string };

const CALLERS: Caller[] = [
  { name: 'anonymous', roles: [], area: '' },
  { name: 'resident (booker)', roles: ['RESIDENT'], area: JIFU, sub: BOOKER },
  { name: 'resident (other)', roles: ['RESIDENT'], area: JIFU },
  { name: 'community worker (own)', roles: ['COMMUNITY_WORKER'], area: JIFU },
  { name: 'community worker (other)', roles: ['COMMUNITY_WORKER'], area: '510105001001' },
  { name: 'street officer (own)', roles: ['STREET_OFFICER'], area: JINYANG_STREET },
  { name: 'street officer (other)', roles: ['STREET_OFFICER'], area: '510107002000' },
  { name: 'district officer (own)', roles: ['DISTRICT_CIVIL_AFFAIRS'], area: WUHOU },
  { name: 'district officer (other)', roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510105000000' },
  { name: 'unit admin (own)', roles: ['UNIT_ADMIN'], area: WUHOU, org: 'own' },
  { name: 'unit admin (other)', roles: ['UNIT_ADMIN'], area: WUHOU, org: 'other' },
  { name: 'org admin', roles: ['ORG_ADMIN'], area: JIFU, org: 'other' },
];

async function tokenOf(caller: Caller): Promise<string | undefined> {
  if (caller.roles.length === 0) return undefined;
  const org = caller.org === 'own' ? unit.id : caller.org === 'other' ? '00000000-0000-4000-8000-000000000001' : undefined;
  return token(caller.roles, caller.area, { org, sub: caller.sub ?? `${caller.name}` });
}

function outcome(body: { data?: any; errors?: { extensions?: Record<string, unknown> }[] }, pick: (data: any) => unknown): string {
  if (body.errors?.length) return String(body.errors[0]!.extensions?.code);
  return pick(body.data) === null ? 'hidden' : 'ok';
}

beforeAll(async () => {
  // Every caller joins a list in the matrix and the fuzz: the per-booker maximum is not under test here.
  graph = await startTestGraph({ config: { FACILITIES_WAITLIST_PER_BOOKER: '1000' } });
  unit = await newUnit();
  submitted = (await graph.request(REGISTER, { token: unit.admin, variables: { input: registerInput(unit) } })).body.data!.registerFacility
    .facility.id;
  listed = await listedFacility(graph, unit, { policy: { approvalRequired: true } });
  const day = nextWeekday(2);
  const booked = await graph.request(BOOK, {
    token: await token(['RESIDENT'], JIFU, { sub: BOOKER }),
    variables: { input: { facilityId: listed, startsAt: at(day, '10:00'), endsAt: at(day, '11:00') } },
  });
  bookingId = booked.body.data!.bookFacility.booking.id;
  const waiting = await graph.request(JOIN, {
    token: await token(['RESIDENT'], JIFU, { sub: 'matrix-waiter' }),
    variables: { input: { facilityId: listed, startsAt: at(day, '10:00'), endsAt: at(day, '11:00') } },
  });
  waitlistEntryId = waiting.body.data!.joinWaitlist.entry.id;
});
afterAll(async () => {
  await graph?.stop();
});

// Expected outcome per caller, in CALLERS order.
const U = 'UNAUTHENTICATED';
const F = 'FORBIDDEN';
const N = 'NOT_FOUND';
const MATRIX: Record<
  string,
  {
    query: (ids: { submitted: string; listed: string; booking: string }) => [string, Record<string, unknown>, (data: any) => unknown];
    expect: string[];
  }
> = {
  'Query.facility (submitted)': {
    query: (ids) => ['query ($id: ID!) { facility(id: $id) { id } }', { id: ids.submitted }, (d) => d.facility],
    expect: ['hidden', 'hidden', 'hidden', 'ok', 'hidden', 'ok', 'hidden', 'ok', 'hidden', 'ok', 'hidden', 'hidden'],
  },
  'Facility.bookings': {
    query: (ids) => ['query ($id: ID!) { facility(id: $id) { bookings { totalCount } } }', { id: ids.listed }, (d) => d.facility.bookings],
    expect: [U, F, F, 'ok', F, 'ok', F, 'ok', F, 'ok', F, F],
  },
  'Facility.history': {
    query: (ids) => ['query ($id: ID!) { facility(id: $id) { history { action } } }', { id: ids.listed }, (d) => d.facility.history],
    expect: [U, F, F, 'ok', F, 'ok', F, 'ok', F, 'ok', F, F],
  },
  'Query.booking': {
    query: (ids) => ['query ($id: ID!) { booking(id: $id) { id booker } }', { id: ids.booking }, (d) => d.booking],
    expect: [U, 'ok', F, 'ok', F, 'ok', F, 'ok', F, 'ok', F, F],
  },
  'Query.myWaitlistEntries (every WaitlistEntry field)': {
    query: () => [
      `query { myWaitlistEntries { totalCount edges { cursor node { id startsAt endsAt quantity status statusReason position purpose
         version createdAt updatedAt facility { id } booking { id } bookerOrganization { id } } } pageInfo { hasNextPage } } }`,
      {},
      (d) => d.myWaitlistEntries,
    ],
    expect: [U, 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'],
  },
  'Query.facilities (SUBMITTED)': {
    query: () => ['query { facilities(filter: { status: SUBMITTED, within: "510107001001" }) { totalCount } }', {}, (d) => d.facilities],
    expect: [U, F, F, 'ok', F, 'ok', F, 'ok', F, F, F, F],
  },
};

describe('reads', () => {
  test.each(Object.keys(MATRIX))('%s', async (name) => {
    const entry = MATRIX[name]!;
    const [query, variables, pick] = entry.query({ submitted, listed, booking: bookingId });
    const results: string[] = [];
    for (const caller of CALLERS) {
      const response = await graph.request(query, { token: await tokenOf(caller), variables });
      results.push(outcome(response.body, pick));
    }
    expect(Object.fromEntries(CALLERS.map((c, i) => [c.name, results[i]]))).toEqual(
      Object.fromEntries(CALLERS.map((c, i) => [c.name, entry.expect[i]])),
    );
  });
});

describe('mutations', () => {
  const expectations: Record<string, string[]> = {
    // Review of a submitted registration: the community's worker and the street's officer only.
    // Callers who may not see an unlisted registration are told it is not there.
    list: [N, N, N, 'ok', N, 'ok', N, F, N, F, N, N],
    suspend: [U, F, F, F, F, F, F, F, F, 'ok', F, F],
    approve: [U, F, F, F, F, F, F, F, F, 'ok', F, F],
    closure: [U, F, F, F, F, F, F, F, F, 'ok', F, F],
    update: [U, F, F, F, F, F, F, F, F, 'ok', F, F],
    register: [U, F, F, F, F, F, F, F, F, 'ok', F, F],
    // Residents wait for themselves; an organisation's admin only naming its organisation (not given here).
    join: [U, 'ok', 'ok', F, F, F, F, F, F, F, F, F],
    // Only the booker leaves; someone else's entry is not there for the caller.
    leave: [U, 'ok', N, N, N, N, N, N, N, N, N, N],
  };

  test.each(Object.keys(expectations))('%s', async (name) => {
    const results: string[] = [];
    for (const caller of CALLERS) {
      const tok = await tokenOf(caller);
      // Each caller acts on a fresh record, so an allowed step does not change what the next caller meets.
      let response;
      if (name === 'register') {
        response = await graph.request(REGISTER, { token: tok, variables: { input: registerInput(unit) } });
      } else if (name === 'list') {
        const id = (await graph.request(REGISTER, { token: unit.admin, variables: { input: registerInput(unit) } })).body.data!
          .registerFacility.facility.id;
        response = await graph.request(CHANGE, { token: tok, variables: { input: { id, to: 'LISTED', expectedVersion: 1 } } });
      } else if (name === 'suspend') {
        const id = await listedFacility(graph, unit);
        response = await graph.request(CHANGE, {
          token: tok,
          variables: { input: { id, to: 'SUSPENDED', reason: '检修', expectedVersion: 2 } },
        });
      } else if (name === 'closure') {
        const id = await listedFacility(graph, unit);
        response = await graph.request(
          `mutation ($input: AddFacilityClosureInput!) { addFacilityClosure(input: $input) { cancelledBookings } }`,
          {
            token: tok,
            variables: { input: { facilityId: id, closure: { startsOn: '2027-01-01', endsOn: '2027-01-01', reason: '元旦' } } },
          },
        );
      } else if (name === 'join' || name === 'leave') {
        // A full hour of its own for each caller: a fresh resident holds it.
        const day = nextWeekday(name === 'join' ? 6 : 7);
        const slot = {
          facilityId: listed,
          startsAt: at(day, `${String(8 + results.length).padStart(2, '0')}:00`),
          endsAt: at(day, `${String(9 + results.length).padStart(2, '0')}:00`),
        };
        await graph.request(BOOK, {
          token: await token(['RESIDENT'], JIFU, { sub: `holder-${randomUUID()}` }),
          variables: { input: slot },
        });
        if (name === 'join') response = await graph.request(JOIN, { token: tok, variables: { input: slot } });
        else {
          const joined = await graph.request(JOIN, { token: await token(['RESIDENT'], JIFU, { sub: BOOKER }), variables: { input: slot } });
          response = await graph.request(`mutation ($id: ID!) { leaveWaitlist(input: { id: $id }) { entry { status } } }`, {
            token: tok,
            variables: { id: joined.body.data!.joinWaitlist.entry.id },
          });
        }
      } else if (name === 'update') {
        const id = await listedFacility(graph, unit);
        const { version } = (await graph.request(`query ($id: ID!) { facility(id: $id) { version } }`, { variables: { id } })).body.data!
          .facility;
        response = await graph.request(`mutation ($input: UpdateFacilityInput!) { updateFacility(input: $input) { facility { id } } }`, {
          token: tok,
          variables: { input: { id, expectedVersion: version, name: '多功能厅' } },
        });
      } else {
        const day = nextWeekday(4);
        const booked = await graph.request(BOOK, {
          token: await token(['RESIDENT'], JIFU, { sub: `approve-${randomUUID()}` }),
          variables: {
            input: {
              facilityId: listed,
              startsAt: at(day, `${String(8 + results.length).padStart(2, '0')}:00`),
              endsAt: at(day, `${String(9 + results.length).padStart(2, '0')}:00`),
            },
          },
        });
        response = await graph.request(`mutation ($id: ID!) { decideBooking(input: { id: $id, approve: true }) { booking { status } } }`, {
          token: tok,
          variables: { id: booked.body.data!.bookFacility.booking.id },
        });
      }
      results.push(outcome(response.body, () => 'ok'));
    }
    expect(Object.fromEntries(CALLERS.map((c, i) => [c.name, results[i]]))).toEqual(
      Object.fromEntries(CALLERS.map((c, i) => [c.name, expectations[name]![i]])),
    );
  });
});

describe('fuzzed input never gives an internal error', () => {
  // A deterministic generator, so a failure can be replayed.
  let seed = 20261125;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const JUNK: unknown[] = [
    null,
    '',
    'x'.repeat(20_000),
    'a\u0000b',
    'not-a-uuid',
    '00000000-0000-0000-0000-000000000000',
    -1,
    0,
    2 ** 31,
    1e300,
    1.5,
    true,
    [],
    {},
    '2026-13-45',
    '24:61',
    '9999999999999999999.999',
    'WyJjMSIsIngiXQ',
  ];

  const MUTATIONS: [string, string, () => Record<string, unknown>][] = [
    ['registerFacility', 'RegisterFacilityInput', () => registerInput(unit)],
    ['changeFacilityStatus', 'ChangeFacilityStatusInput', () => ({ id: listed, to: 'SUSPENDED', reason: 'x', expectedVersion: 1 })],
    [
      'addFacilityClosure',
      'AddFacilityClosureInput',
      () => ({ facilityId: listed, closure: { startsOn: '2027-01-02', endsOn: '2027-01-02', reason: 'x' } }),
    ],
    [
      'updateFacility',
      'UpdateFacilityInput',
      () => {
        const { name, address, capacity, openingHours, policy, pricePerSlot, accessibility } = registerInput(unit);
        return {
          id: listed,
          expectedVersion: 1,
          name,
          address,
          capacity,
          openingHours: openingHours.slice(0, 2),
          policy,
          pricePerSlot,
          accessibility,
        };
      },
    ],
    [
      'bookFacility',
      'BookFacilityInput',
      () => ({ facilityId: listed, startsAt: at(nextWeekday(5), '10:00'), endsAt: at(nextWeekday(5), '11:00'), quantity: 1, purpose: 'x' }),
    ],
    ['decideBooking', 'DecideBookingInput', () => ({ id: bookingId, approve: false, reason: 'x', expectedVersion: 1 })],
    ['cancelBooking', 'CancelBookingInput', () => ({ id: bookingId, reason: 'x', expectedVersion: 1 })],
    ['recordAttendance', 'RecordAttendanceInput', () => ({ id: bookingId, attended: true, expectedVersion: 1 })],
    ['rotateCalendarSecret', 'RotateCalendarSecretInput', () => ({ reason: 'x' })],
    [
      'joinWaitlist',
      'JoinWaitlistInput',
      () => ({
        facilityId: listed,
        startsAt: at(nextWeekday(2), '10:00'),
        endsAt: at(nextWeekday(2), '11:00'),
        quantity: 1,
        purpose: 'x',
        organizationId: null,
      }),
    ],
    ['leaveWaitlist', 'LeaveWaitlistInput', () => ({ id: waitlistEntryId, reason: 'x', expectedVersion: 1 })],
  ];

  /** Every path to a leaf of the input, e.g. policy.slotMinutes or openingHours.0.opens. */
  function leaves(value: unknown, prefix: string[] = []): string[][] {
    if (value !== null && typeof value === 'object') {
      return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => [
        [...prefix, key],
        ...leaves(child, [...prefix, key]),
      ]);
    }
    return [];
  }

  function replaced(input: Record<string, unknown>, path: string[], junk: unknown): Record<string, unknown> {
    const copy = structuredClone(input);
    let target: any = copy;
    for (const key of path.slice(0, -1)) target = target[key];
    target[path.at(-1)!] = junk;
    return copy;
  }

  test.each(MUTATIONS)(
    '%s',
    async (mutation, inputType, base) => {
      const tokens = [unit.admin, await token(['RESIDENT'], JIFU, { sub: BOOKER }), await token(['COMMUNITY_WORKER'], JIFU)];
      const query = `mutation ($input: ${inputType}!) { ${mutation}(input: $input) { __typename } }`;
      const seen: string[] = [];
      for (const path of leaves(base())) {
        for (const junk of JUNK) {
          if (random() < 0.5) continue;
          const response = await graph.request(query, {
            token: tokens[Math.floor(random() * tokens.length)],
            variables: { input: replaced(base(), path, junk) },
          });
          const codes = (response.body.errors ?? []).map((e) => String(e.extensions?.code));
          seen.push(...codes);
          if (response.status >= 500 || codes.includes('INTERNAL_SERVER_ERROR')) {
            throw new Error(
              `${mutation} ${path.join('.')}=${JSON.stringify(junk)?.slice(0, 40)} → ${response.status} ${JSON.stringify(response.body.errors)}`,
            );
          }
          for (const error of response.body.errors ?? []) {
            if (error.extensions?.code === 'BAD_USER_INPUT') expect(error.extensions.field ?? error.message).toBeTruthy();
          }
        }
      }
      expect(seen.length).toBeGreaterThan(0);
    },
    120_000,
  );

  test('queries with malformed ids, cursors, windows and numbers', async () => {
    const queries: [string, Record<string, unknown>][] = [
      ['query ($id: ID!) { facility(id: $id) { id } }', { id: 'x'.repeat(5000) }],
      ['query ($id: ID!) { booking(id: $id) { id } }', { id: "1' OR 1=1" }],
      ['query ($a: String) { facilities(after: $a) { totalCount } }', { a: 'WyJjMSJd' }],
      [
        'query ($a: String) { facilities(after: $a) { totalCount } }',
        { a: Buffer.from(JSON.stringify(['c1', 'x', 'not-a-uuid'])).toString('base64url') },
      ],
      [
        'query ($a: String) { findAvailable(kind: LIBRARY, near: "510107001001", from: "2026-12-01T00:00:00Z", to: "2026-12-02T00:00:00Z", after: $a) { totalCount } }',
        { a: Buffer.from(JSON.stringify(['c1', 9, 'x', 'y'])).toString('base64url') },
      ],
      ['query ($a: String) { myBookings(after: $a) { totalCount } }', { a: 'WyJjMSIsMV0' }],
      ['query ($a: String) { facilities(first: 1000, after: $a) { totalCount } }', { a: null }],
      ['query ($u: ID) { facilities(filter: { unitId: $u }) { totalCount } }', { u: 'nope' }],
      [
        'query ($id: ID!, $f: DateTime!, $t: DateTime!) { availability(facilityId: $id, from: $f, to: $t) { free } }',
        { id: listed, f: '2026-01-01T00:00:00Z', t: '2030-01-01T00:00:00Z' },
      ],
      [
        'query ($id: ID!, $f: DateTime!, $t: DateTime!) { availability(facilityId: $id, from: $f, to: $t) { free } }',
        { id: 'zz', f: 'yesterday', t: 'now' },
      ],
      [
        'query ($f: Date!, $t: Date!) { facilityUsage(within: "510107000000", from: $f, to: $t) { bookings } }',
        { f: '2020-01-01', t: '2030-01-01' },
      ],
      ['query ($f: Date!) { facilityUsage(facilityId: "x", from: $f, to: $f) { bookings } }', { f: '2026-02-30' }],
      [
        'query ($m: Int) { findAvailable(kind: LIBRARY, near: "510107001001", from: "2026-12-01T00:00:00Z", to: "2026-12-02T00:00:00Z", minCapacity: $m) { totalCount } }',
        { m: 2 ** 31 - 1 },
      ],
      ['query { myBookings(after: "!!!") { totalCount } }', {}],
      ['query ($a: String) { myWaitlistEntries(after: $a) { totalCount } }', { a: 'WyJjMSIsMV0' }],
      ['query ($a: String) { myWaitlistEntries(first: 101, after: $a) { totalCount } }', { a: null }],
    ];
    for (const [query, variables] of queries) {
      const response = await graph.request(query, { token: await token(['RESIDENT'], JIFU), variables });
      const codes = (response.body.errors ?? []).map((e) => String(e.extensions?.code));
      expect([query, response.status < 500 && !codes.includes('INTERNAL_SERVER_ERROR')]).toEqual([query, true]);
      expect(codes.length).toBeGreaterThan(0);
    }
  });
});
