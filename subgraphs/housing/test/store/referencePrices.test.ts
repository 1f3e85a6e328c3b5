import type { NewReferencePrice } from '../../src/models';
import { codeOf, CITY, officer, openStore, page, type StoreHarness } from './support';

/** The reference prices module at its edges: paging across a year and the enums' order, a duplicate. */

let h: StoreHarness;

const price = (
  year: number,
  priceType: NewReferencePrice['priceType'],
  zone: NewReferencePrice['zone'],
  city = CITY,
): NewReferencePrice => ({
  city,
  year,
  priceType,
  zone,
  unitPrice: `${year - 2000}000.00`,
  sourceDocument: `notice ${year}`,
});

const keys = (rows: { year: number; priceType: string; zone: string }[]) => rows.map((r) => `${r.year} ${r.priceType} ${r.zone}`);

beforeAll(async () => {
  h = await openStore();
  for (const p of [
    price(2025, 'COMMERCIAL', 'CITY_WIDE'),
    price(2026, 'RESIDENTIAL', 'CITY_WIDE'),
    price(2026, 'COMMERCIAL', 'MAIN_URBAN'),
    price(2026, 'COMMERCIAL', 'CITY_WIDE'),
    price(2026, 'COMMERCIAL', 'CITY_WIDE', '510400000000'),
  ]) {
    await h.store.referencePrices.publish(p, officer);
  }
});

afterAll(() => h.close());

test('latest year first, then type and zone in their declared order, one row more than asked', async () => {
  expect(keys(await h.store.referencePrices.page(CITY, page(1)))).toEqual(['2026 COMMERCIAL CITY_WIDE', '2026 COMMERCIAL MAIN_URBAN']);
  expect(await h.store.referencePrices.count(CITY)).toBe(4);
});

test('after a zone, the next zone of the same type; after the last zone, the next type; after the last type, the year before', async () => {
  expect(keys(await h.store.referencePrices.page(CITY, page(9, [2026, 'COMMERCIAL', 'CITY_WIDE'])))).toEqual([
    '2026 COMMERCIAL MAIN_URBAN',
    '2026 RESIDENTIAL CITY_WIDE',
    '2025 COMMERCIAL CITY_WIDE',
  ]);
  expect(keys(await h.store.referencePrices.page(CITY, page(9, [2026, 'COMMERCIAL', 'MAIN_URBAN'])))).toEqual([
    '2026 RESIDENTIAL CITY_WIDE',
    '2025 COMMERCIAL CITY_WIDE',
  ]);
  expect(keys(await h.store.referencePrices.page(CITY, page(9, [2026, 'RESIDENTIAL', 'CITY_WIDE'])))).toEqual([
    '2025 COMMERCIAL CITY_WIDE',
  ]);
  expect(await h.store.referencePrices.page(CITY, page(9, [2025, 'COMMERCIAL', 'CITY_WIDE']))).toEqual([]);
});

test('a price is found by city, year, type and zone', async () => {
  expect(await h.store.referencePrices.find(CITY, 2025, 'COMMERCIAL', 'CITY_WIDE')).toMatchObject({
    unitPrice: '25000.00',
    sourceDocument: 'notice 2025',
  });
  expect(await h.store.referencePrices.find(CITY, 2025, 'COMMERCIAL', 'MAIN_URBAN')).toBeNull();
});

test('publishing the same city, year, type and zone twice is a CONFLICT on the year', async () => {
  await expect(h.store.referencePrices.publish(price(2025, 'COMMERCIAL', 'CITY_WIDE'), officer)).rejects.toMatchObject({
    extensions: { code: 'CONFLICT', field: 'input.year' },
  });
  expect(await codeOf(h.store.referencePrices.publish(price(2024, 'COMMERCIAL', 'CITY_WIDE'), officer))).toBe('no error');
});
