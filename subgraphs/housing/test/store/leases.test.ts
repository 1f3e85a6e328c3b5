import type { LeaseModel, NewLease } from '../../src/models';
import { addDays } from '../../../../lib/kernel/dates';
import { JIFU, JINJIANG_COMMUNITY, officer, openStore, OTHER_JINYANG, page, WUHOU, type StoreHarness } from './support';

/** The leases module at its edges: a lease ending today, on the last day asked, ties on the end day, overlapping terms. */

let h: StoreHarness;
let today: string;
const at = (days: number) => addDays(today, days);

const lease = (address: string, startsOn: string, endsOn: string, communityCode = JIFU): Promise<LeaseModel> =>
  h.store.leases.record(
    { communityCode, landlord: 'Landlord', address, area: '80.00', monthlyRent: '4000.00', startsOn, endsOn } satisfies NewLease,
    officer,
  );

let ended: LeaseModel;
let endsToday: LeaseModel;
let sameDay: LeaseModel[];
let lastDay: LeaseModel;
let beyond: LeaseModel;

beforeAll(async () => {
  h = await openStore();
  today = h.store.today();
  ended = await lease('1 Ended Road', at(-30), at(-1));
  endsToday = await lease('2 Today Road', at(-30), at(0));
  sameDay = [await lease('3 Twin Road', at(-30), at(5)), await lease('4 Twin Road', at(-30), at(5), OTHER_JINYANG)].sort((a, b) =>
    a.id < b.id ? -1 : 1,
  );
  lastDay = await lease('5 Last Road', at(-30), at(10));
  beyond = await lease('6 Beyond Road', at(-30), at(11));
  await lease('7 Elsewhere Road', at(-30), at(3), JINJIANG_COMMUNITY);
});

afterAll(() => h.close());

describe('leases expiring under an area from today to a day', () => {
  test('a lease ending today and one ending on the last day asked are both in; one ended yesterday and one after are not', async () => {
    const rows = await h.store.leases.expiring(WUHOU, at(10), page(10));
    expect(rows.map((l) => l.id)).toEqual([endsToday.id, sameDay[0]!.id, sameDay[1]!.id, lastDay.id]);
    expect(await h.store.leases.countExpiring(WUHOU, at(10))).toBe(4);
  });

  test('soonest first, one row more than asked', async () => {
    expect((await h.store.leases.expiring(WUHOU, at(10), page(1))).map((l) => l.id)).toEqual([endsToday.id, sameDay[0]!.id]);
  });

  test('after a lease ending the same day as another, the other comes next, without the cursor', async () => {
    const rows = await h.store.leases.expiring(WUHOU, at(10), page(5, [at(5), sameDay[0]!.id]));
    expect(rows.map((l) => l.id)).toEqual([sameDay[1]!.id, lastDay.id]);
  });

  test('the lease as recorded', async () => {
    const [row] = await h.store.leases.byId([beyond.id, 'not-a-uuid']);
    expect(row).toEqual({ ...beyond, startsOn: at(-30), endsOn: at(11), area: '80.00', monthlyRent: '4000.00', communityCode: JIFU });
  });
});

describe('leases of communities, by end day', () => {
  test('one page per community, soonest end first, one row more than asked; the next page without the cursor', async () => {
    const first = await h.store.leases.idsOfCommunities([JIFU, OTHER_JINYANG], page(1));
    expect(first).toEqual([
      { owner: JIFU, id: ended.id },
      { owner: JIFU, id: endsToday.id },
      { owner: OTHER_JINYANG, id: sameDay.find((l) => l.communityCode === OTHER_JINYANG)!.id },
    ]);
    const next = await h.store.leases.idsOfCommunities([JIFU], page(1, [at(0), endsToday.id]));
    expect(next.map((r) => r.id)).toEqual([sameDay.find((l) => l.communityCode === JIFU)!.id, lastDay.id]);
  });

  test('counts per community', async () => {
    expect(await h.store.leases.countOfCommunities([JIFU, OTHER_JINYANG])).toEqual(
      expect.arrayContaining([
        { key: JIFU, count: 5 },
        { key: OTHER_JINYANG, count: 1 },
      ]),
    );
  });
});

describe('one space let twice', () => {
  test('a lease overlapping another on one day only (its last) is a CONFLICT on the start day', async () => {
    await expect(lease('2 Today Road', at(0), at(40))).rejects.toMatchObject({ extensions: { code: 'CONFLICT', field: 'input.startsOn' } });
  });

  test('a lease starting the day after the other ends is recorded', async () => {
    expect((await lease('2 Today Road', at(1), at(40))).startsOn).toBe(at(1));
  });
});
