import type { PremisesState } from '../../src/generated/prisma/enums';
import type { DevelopmentModel } from '../../src/models';
import { addDays } from '../../../../lib/kernel/dates';
import { development, force, JIFU, officer, openStore, OTHER_JINYANG, page, premises, type StoreHarness } from './support';

/**
 * The compliance statement at its edges (standard: 350 m² or 30 m² per 100 households, the larger):
 * premises handed over but not in use, leases starting or ending today or tomorrow, a community
 * exactly at the standard, one above it, ties on the shortfall.
 */

const SHORT = '510107001003';
const ABOVE = '510107001004';
const TIED = '510107001005';

let h: StoreHarness;
let garden: DevelopmentModel;

const communities = [
  { code: JIFU, households: 1000 }, // 350 required: 200 in use + 100 leased today → 50 short
  { code: OTHER_JINYANG, households: 2000 }, // 600 required: 400 leased ending today + 200 → exactly at the standard
  { code: SHORT, households: 100 }, // 350 required, nothing → 350 short
  { code: ABOVE, households: 100 }, // 350 required, 500 in use → above, no shortfall
  { code: TIED, households: 100 }, // 350 required, 300 leased → 50 short, after JIFU by code
];

async function inState(communityCode: string, state: PremisesState, acceptedArea: string) {
  const p = await premises(h.store, garden, { communityCode, unit: `${communityCode}-${state}`, plannedArea: acceptedArea });
  await force(h.store, p, state, acceptedArea);
}

async function lease(communityCode: string, address: string, area: string, startsIn: number, endsIn: number) {
  const today = h.store.today();
  await h.store.leases.record(
    {
      communityCode,
      landlord: 'L',
      address,
      area,
      monthlyRent: '1.00',
      startsOn: addDays(today, startsIn),
      endsOn: addDays(today, endsIn),
    },
    officer,
  );
}

beforeAll(async () => {
  h = await openStore();
  garden = await development(h.store);
  await inState(JIFU, 'IN_USE', '200.00');
  await inState(JIFU, 'HANDED_OVER', '100.00');
  await inState(ABOVE, 'IN_USE', '500.00');
  await lease(JIFU, 'a', '100.00', 0, 30);
  await lease(JIFU, 'b', '500.00', 1, 30);
  await lease(JIFU, 'c', '500.00', -30, -1);
  await lease(OTHER_JINYANG, 'd', '400.00', -30, 0);
  await lease(OTHER_JINYANG, 'e', '200.00', -30, 30);
  await lease(TIED, 'f', '300.00', -1, 1);
});

afterAll(() => h.close());

test('owned counts premises in use only, leased the leases running today (first and last day included)', async () => {
  const { rows, total } = await h.store.compliance.ofCommunities(communities, { belowOnly: false });
  const byCode = Object.fromEntries(rows.map((r) => [r.communityCode, [r.ownedArea, r.leasedArea, r.requiredArea, r.shortfall]]));
  expect(byCode).toEqual({
    [JIFU]: ['200.00', '100.00', '350.00', '50.00'],
    [OTHER_JINYANG]: ['0.00', '600.00', '600.00', '0.00'],
    [SHORT]: ['0.00', '0.00', '350.00', '350.00'],
    [ABOVE]: ['500.00', '0.00', '350.00', '0.00'],
    [TIED]: ['0.00', '300.00', '350.00', '50.00'],
  });
  expect(total).toBe(5);
  expect(rows.find((r) => r.communityCode === JIFU)!.households).toBe(1000);
});

test('below standard: the largest shortfall first, ties by code, one row more than asked, counted', async () => {
  const { rows, total } = await h.store.compliance.ofCommunities(communities, { belowOnly: true, page: page(1) });
  expect(rows.map((r) => r.communityCode)).toEqual([SHORT, JIFU]);
  expect(total).toBe(3);
});

test('a community exactly at the standard is not below it', async () => {
  const { rows } = await h.store.compliance.ofCommunities(communities, { belowOnly: true });
  expect(rows.map((r) => r.communityCode)).toEqual([SHORT, JIFU, TIED]);
});

test('after a row, the next page starts after it: the tie on the shortfall broken by code', async () => {
  const after50 = await h.store.compliance.ofCommunities(communities, { belowOnly: true, page: page(5, ['50.00', JIFU]) });
  expect(after50.rows.map((r) => r.communityCode)).toEqual([TIED]);
  const after350 = await h.store.compliance.ofCommunities(communities, { belowOnly: true, page: page(5, ['350.00', SHORT]) });
  expect(after350.rows.map((r) => r.communityCode)).toEqual([JIFU, TIED]);
});
