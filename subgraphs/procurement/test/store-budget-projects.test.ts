import { randomUUID } from 'node:crypto';
import { ACTOR, JIFU, JINJIANG, openStore, refusalOf, WUHOU, type StoreFixture } from './store-support';

/** The budget-line and project modules of the store, at the edges the demo data never reaches. */

let fx: StoreFixture;
beforeAll(async () => {
  fx = await openStore();
});
afterAll(() => fx.close());

describe('the catalogue', () => {
  test('listed by code, and read by the codes asked only', async () => {
    await fx.store.budgetLines.addCatalogueItem({ code: 'A00.09', name: '助餐服务', category: 'ELDERLY_CARE' }, ACTOR);
    await fx.store.budgetLines.addCatalogueItem({ code: 'B02.01', name: '社区矫正', category: 'ELDERLY_CARE' }, ACTOR);
    const codes = (await fx.store.budgetLines.catalogue()).map((item) => item.code);
    expect(codes).toEqual([...codes].sort());
    expect(codes.slice(0, 2)).toEqual(['A00.09', 'A01.01']);
    expect((await fx.store.budgetLines.catalogueItems(['B02.01'])).map((item) => item.code)).toEqual(['B02.01']);
  });

  test('a code added twice is a CONFLICT on input.code', async () => {
    expect(
      await refusalOf(fx.store.budgetLines.addCatalogueItem({ code: 'A01.01', name: '重复', category: 'ELDERLY_CARE' }, ACTOR)),
    ).toEqual({
      code: 'CONFLICT',
      field: 'input.code',
      message: 'Catalogue item A01.01 exists already.',
    });
  });
});

describe('budget lines', () => {
  test('a year within an area: the year asked only, streets under a district included, ordered by area then name', async () => {
    const agencyId = randomUUID();
    const street = '510107001000';
    const made = async (areaCode: string, year: number, name: string) => (await fx.budgetLine({ agencyId, areaCode, year, name })).id;
    const districtB = await made(WUHOU, 2031, 'Beta 养老');
    const districtA = await made(WUHOU, 2031, 'Alpha 助餐');
    const onStreet = await made(street, 2031, 'Aa 街道');
    await made(WUHOU, 2030, '上一年');
    await made(WUHOU, 2032, '下一年');
    await made(JINJIANG, 2031, '锦江');
    expect((await fx.store.budgetLines.within(WUHOU, 2031)).map((line) => line.id)).toEqual([districtA, districtB, onStreet]);
  });

  test('read by id: what the line commits rises with each project, and a malformed id finds nothing', async () => {
    const line = await fx.budgetLine({ amount: '1000000.00' });
    await fx.project({ line, budget: '300000.00' });
    const [read] = await fx.store.budgetLines.byId(['not-a-uuid', line.id]);
    expect(read).toMatchObject({ id: line.id, amount: '1000000.00', committed: '300000.00' });
  });
});

describe('creating a project', () => {
  test('a budget that takes exactly what remains of the line is within it', async () => {
    const line = await fx.budgetLine({ amount: '1000000.00' });
    await fx.project({ line, budget: '600000.00' });
    await fx.project({ line, budget: '400000.00' });
    expect((await fx.store.budgetLines.byId([line.id]))[0]!.committed).toBe('1000000.00');
  });

  test('a cent more than remains is refused by WITHIN_BUDGET_LINE, naming what remains, and commits nothing', async () => {
    const line = await fx.budgetLine({ amount: '1000000.00' });
    await fx.project({ line, budget: '600000.00' });
    expect(await refusalOf(fx.project({ line, budget: '400000.01' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.budget',
      rule: 'WITHIN_BUDGET_LINE',
      message: "The budget 400000.01 exceeds the budget line's remaining 400000.00 yuan.",
    });
    expect((await fx.store.budgetLines.byId([line.id]))[0]!.committed).toBe('600000.00');
  });

  test("another agency's line is refused", async () => {
    const line = await fx.budgetLine();
    expect(await refusalOf(fx.project({ line: { id: line.id, agencyId: randomUUID() } }))).toMatchObject({
      rule: 'BUDGET_LINE_OF_PURCHASER',
    });
  });

  test('communities and targets come back in order', async () => {
    const id = await fx.project({ communityCodes: ['510107001002', JIFU], targets: ['服务人次', '满意度', '回访率'] });
    expect((await fx.store.projects.communities([id])).map((row) => row.communityCode)).toEqual([JIFU, '510107001002']);
    expect((await fx.store.projects.targets([id])).map((row) => row.indicator)).toEqual(['服务人次', '满意度', '回访率']);
  });
});

describe('project lists', () => {
  const CHENGHUA = '510108000000';
  test('by area: a city covers its districts; by status; a page of n reads n + 1; after a cursor, the rows after it', async () => {
    const ids = [
      await fx.project({ areaCode: CHENGHUA }),
      await fx.project({ areaCode: CHENGHUA }),
      await fx.project({ areaCode: CHENGHUA }),
    ].sort();
    const tendering = await fx.project({ areaCode: CHENGHUA });
    await fx.tender(tendering);
    const all = [...ids, tendering].sort();
    expect(await fx.store.projects.count(CHENGHUA, undefined)).toBe(4);
    expect(await fx.store.projects.count(CHENGHUA, 'PLANNED')).toBe(3);
    expect(await fx.store.projects.count('510100000000', 'TENDERING')).toBeGreaterThanOrEqual(1);
    expect((await fx.store.projects.page(CHENGHUA, 'PLANNED', { first: 5, after: undefined })).map((p) => p.id)).toEqual(ids);
    expect((await fx.store.projects.page(CHENGHUA, undefined, { first: 1, after: undefined })).map((p) => p.id)).toEqual(all.slice(0, 2));
    expect((await fx.store.projects.page(CHENGHUA, undefined, { first: 2, after: [all[1]!, all[1]!] })).map((p) => p.id)).toEqual(
      all.slice(2, 4),
    );
    const cityIds = (await fx.store.projects.page('510100000000', undefined, { first: 500, after: undefined })).map((p) => p.id);
    expect(cityIds).toEqual(expect.arrayContaining(all));
  });

  test('by community: one page per community, n + 1 rows, strictly after the cursor, and the counts', async () => {
    const community = '510107003001';
    const ids = [
      await fx.project({ communityCodes: [community] }),
      await fx.project({ communityCodes: [community] }),
      await fx.project({ communityCodes: [community] }),
    ].sort();
    const other = '510107003002';
    const lone = await fx.project({ communityCodes: [other] });
    const page = await fx.store.projects.communityPage([community, other], { first: 1, after: undefined });
    expect(page).toEqual([
      { community, id: ids[0] },
      { community, id: ids[1] },
      { community: other, id: lone },
    ]);
    expect((await fx.store.projects.communityPage([community], { first: 5, after: [ids[0]!, ids[0]!] })).map((row) => row.id)).toEqual(
      ids.slice(1),
    );
    expect(await fx.store.projects.countByCommunity([community, other])).toEqual(
      expect.arrayContaining([
        { community, count: 3 },
        { community: other, count: 1 },
      ]),
    );
  });
});
