import type { BuybackChange, PremisesModel } from '../../src/models';
import { codeOf, development, force, officer, openStore, premises, type StoreHarness } from './support';

/** The buybacks module at its edges: the first valuation checks the premises' version, later steps the buyback's. */

let h: StoreHarness;
let p: PremisesModel;

const value = (premisesId: string): BuybackChange => ({
  state: 'VALUED',
  from: 'NOT_VALUED',
  action: 'VALUE_BUYBACK',
  data: {
    premisesId,
    priceType: 'COMMERCIAL',
    zone: 'CITY_WIDE',
    referenceYear: 2025,
    referenceYearReason: null,
    unitPrice: '12000.00',
    sourceDocument: 'price notice',
    area: '98.50',
    amount: '1182000.00',
    valuedOn: new Date('2026-01-02T00:00:00Z'),
  },
});
const approve = (): BuybackChange => ({ state: 'APPROVED', from: 'VALUED', action: 'APPROVE_BUYBACK', data: { approvedAt: new Date() } });

beforeAll(async () => {
  h = await openStore();
  p = await force(h.store, await premises(h.store, await development(h.store)), 'ACCEPTED', '98.50');
});

afterAll(() => h.close());

test('the first valuation is refused on a stale premises version, and nothing is written', async () => {
  expect(await codeOf(h.store.buybacks.step(p.id, p.version - 1, () => value(p.id), officer))).toBe('CONFLICT');
  expect(await h.store.buybacks.ofPremises([p.id])).toEqual([]);
});

test("valuing writes the buyback at version 1 and bumps the premises' version, its state unchanged", async () => {
  const after = await h.store.buybacks.step(p.id, p.version, () => value(p.id), officer);
  expect(after).toMatchObject({ state: 'ACCEPTED', version: p.version + 1 });
  const [buyback] = await h.store.buybacks.ofPremises([p.id, 'not-a-uuid']);
  expect(buyback).toMatchObject({
    state: 'VALUED',
    version: 1,
    area: '98.50',
    unitPrice: '12000.00',
    amount: '1182000.00',
    valuedOn: '2026-01-02',
    paidOn: null,
  });
  p = after;
});

test("approving goes by the buyback's version, not the premises', and bumps it", async () => {
  expect(p.version).not.toBe(1);
  let seen: string | undefined;
  p = await h.store.buybacks.step(
    p.id,
    1,
    (_premises, buyback) => {
      seen = buyback?.state;
      return approve();
    },
    officer,
  );
  expect(seen).toBe('VALUED');
  const [buyback] = await h.store.buybacks.ofPremises([p.id]);
  expect(buyback).toMatchObject({ state: 'APPROVED', version: 2 });
});

test('a stale buyback version is refused with CONFLICT, and nothing changes', async () => {
  const pay = (): BuybackChange => ({
    state: 'PAID',
    from: 'APPROVED',
    action: 'PAY_BUYBACK',
    data: { paidOn: new Date('2026-01-03T00:00:00Z'), paymentReference: 'PAY-1' },
  });
  expect(await codeOf(h.store.buybacks.step(p.id, 1, pay, officer))).toBe('CONFLICT');
  expect((await h.store.buybacks.ofPremises([p.id]))[0]).toMatchObject({ state: 'APPROVED', version: 2 });
  await h.store.buybacks.step(p.id, 2, pay, officer);
  expect((await h.store.buybacks.ofPremises([p.id]))[0]).toMatchObject({
    state: 'PAID',
    version: 3,
    paidOn: '2026-01-03',
    paymentReference: 'PAY-1',
  });
});

test('each buyback step leaves an audit entry on the premises', async () => {
  const trail = await h.store.premises.auditTrails([p.id]);
  expect(trail.map((e) => e.action).slice(-3)).toEqual(['VALUE_BUYBACK', 'APPROVE_BUYBACK', 'PAY_BUYBACK']);
});
