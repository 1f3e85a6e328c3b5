import type { DevelopmentModel } from '../../src/models';
import { development, JIFU, JINJIANG_COMMUNITY, officer, openStore, OTHER_JINYANG, page, WUHOU, type StoreHarness } from './support';

/** The developments module at its edges: equal names across a page break, areas, the clearance log. */

let h: StoreHarness;
let developer: string;
let alpha: DevelopmentModel;
let twins: DevelopmentModel[];
let zeta: DevelopmentModel;
let elsewhere: DevelopmentModel;

beforeAll(async () => {
  h = await openStore();
  alpha = await development(h.store, { name: 'Alpha' });
  developer = alpha.developerId;
  // Two developments of one developer with the same name: the id breaks the tie.
  twins = [
    await development(h.store, { name: 'Twin', developerId: developer, communityCode: OTHER_JINYANG }),
    await development(h.store, { name: 'Twin', developerId: developer }),
  ];
  twins.sort((a, b) => (a.id < b.id ? -1 : 1));
  zeta = await development(h.store, { name: 'Zeta', developerId: developer });
  elsewhere = await development(h.store, { name: 'Beta', developerId: developer, communityCode: JINJIANG_COMMUNITY });
});

afterAll(() => h.close());

describe('developments under an area, by name then id', () => {
  test('the first page holds one row more than asked (there is a next page), in name order', async () => {
    const rows = await h.store.developments.page(WUHOU, page(2));
    expect(rows.map((d) => d.name)).toEqual(['Alpha', 'Twin', 'Twin']);
  });

  test('after a row whose name another shares, the next page starts at the twin with the larger id', async () => {
    const rows = await h.store.developments.page(WUHOU, page(5, ['Twin', twins[0]!.id]));
    expect(rows.map((d) => d.id)).toEqual([twins[1]!.id, zeta.id]);
  });

  test('after the last twin, the page goes on to the next name without repeating the cursor', async () => {
    const rows = await h.store.developments.page(WUHOU, page(5, ['Twin', twins[1]!.id]));
    expect(rows.map((d) => d.id)).toEqual([zeta.id]);
  });

  test('an area counts and lists only the developments under it', async () => {
    expect(await h.store.developments.count(WUHOU)).toBe(4);
    expect(await h.store.developments.count(JIFU)).toBe(3);
    expect((await h.store.developments.page(JINJIANG_COMMUNITY, page(10))).map((d) => d.id)).toEqual([elsewhere.id]);
  });

  test('by id: the rows asked for, the land grant day as registered, ids that are not UUIDs ignored', async () => {
    const rows = await h.store.developments.byId([alpha.id, 'not-a-uuid']);
    expect(rows).toEqual([{ ...alpha, landGrantDate: '2015-06-01' }]);
  });
});

describe('developments of developers, batched', () => {
  test('one page per developer in name order, with one row more than asked', async () => {
    const other = await development(h.store, { name: 'Solo' });
    const rows = await h.store.developments.idsOfDevelopers([developer, other.developerId], page(2));
    const mine = rows.filter((r) => r.owner === developer).map((r) => r.id);
    expect(mine).toEqual([alpha.id, elsewhere.id, twins[0]!.id]);
    expect(rows.filter((r) => r.owner === other.developerId).map((r) => r.id)).toEqual([other.id]);
  });

  test('after a twin, the next page starts at the other twin', async () => {
    const rows = await h.store.developments.idsOfDevelopers([developer], page(1, ['Twin', twins[0]!.id]));
    expect(rows.map((r) => r.id)).toEqual([twins[1]!.id, zeta.id]);
  });

  test('counts per developer', async () => {
    expect(await h.store.developments.countOfDevelopers([developer, 'nope'])).toEqual([{ key: developer, count: 5 }]);
  });
});

describe('the clearance query log of a development', () => {
  test('latest first, paged by id without repeating the cursor, counted per development', async () => {
    await h.store.developments.recordClearanceQuery(alpha.id, 'BLOCKED', ['first'], officer);
    await h.store.developments.recordClearanceQuery(alpha.id, 'BLOCKED', ['second'], officer);
    await h.store.developments.recordClearanceQuery(alpha.id, 'CLEARED', [], officer);
    await h.store.developments.recordClearanceQuery(zeta.id, 'BLOCKED', ['other'], officer);
    const first = await h.store.developments.clearanceQueries(alpha.id, page(1));
    expect(first.map((q) => q.status)).toEqual(['CLEARED', 'BLOCKED']);
    expect(first[1]!.reasons).toEqual(['second']);
    const next = await h.store.developments.clearanceQueries(alpha.id, page(5, [Number(first[0]!.id)]));
    expect(next.map((q) => q.reasons)).toEqual([['second'], ['first']]);
    expect(await h.store.developments.countClearanceQueries(alpha.id)).toBe(3);
    expect(next[0]).toMatchObject({ askedBy: officer.id, askedArea: officer.area });
  });
});
