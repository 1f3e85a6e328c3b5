import { randomUUID } from 'node:crypto';
import type { ContractFilter } from '../src/models';
import { ACTOR, openStore, refusalOf, type StoreFixture } from './store-support';

/** The contract and milestone modules of the store: day and year boundaries, terminated contracts, stale versions. */

let fx: StoreFixture;
beforeAll(async () => {
  fx = await openStore();
});
afterAll(() => fx.close());

const nothing = () => undefined;
const TODAY = '2027-03-01';

async function setStatus(contractId: string, to: 'ACTIVE' | 'COMPLETED' | 'TERMINATED', day = '2026-12-05') {
  return fx.store.contracts.changeStatus(
    contractId,
    to,
    await fx.version('contract', contractId),
    to === 'TERMINATED' ? '服务中止' : null,
    day,
    ACTOR,
    nothing,
  );
}

describe('changing a contract', () => {
  test('signing contracts the project on the day; completing keeps the signing day and completes the project', async () => {
    const { contractId, projectId } = await fx.pendingContract();
    const signed = await setStatus(contractId, 'ACTIVE', '2026-12-31');
    expect(signed).toMatchObject({ status: 'ACTIVE', signedOn: '2026-12-31' });
    expect((await fx.store.projects.byId([projectId]))[0]!.status).toBe('CONTRACTED');
    const completed = await setStatus(contractId, 'COMPLETED', '2027-01-01');
    expect(completed).toMatchObject({ status: 'COMPLETED', signedOn: '2026-12-31' });
    expect((await fx.store.projects.byId([projectId]))[0]!.status).toBe('COMPLETED');
  });

  test('a stale version, older or newer, is a CONFLICT', async () => {
    const { contractId } = await fx.pendingContract();
    const version = await fx.version('contract', contractId);
    for (const stale of [version - 1, version + 1]) {
      expect(await refusalOf(fx.store.contracts.changeStatus(contractId, 'ACTIVE', stale, null, TODAY, ACTOR, nothing))).toEqual({
        code: 'CONFLICT',
        field: 'input.expectedVersion',
        message: `Contract ${contractId} changed meanwhile (now version ${version}).`,
      });
    }
  });

  test('an unknown contract is NOT_FOUND; a second contract on a tender is a CONFLICT', async () => {
    const id = randomUUID();
    expect(await refusalOf(fx.store.contracts.changeStatus(id, 'ACTIVE', 1, null, TODAY, ACTOR, nothing))).toMatchObject({
      code: 'NOT_FOUND',
      message: `No contract ${id}.`,
    });
    const { tenderId } = await fx.pendingContract();
    expect(
      await refusalOf(
        fx.store.contracts.create(
          tenderId,
          { value: '1.00', startsOn: '2027-01-01', endsOn: '2027-02-01', milestones: [] },
          ACTOR,
          nothing,
        ),
      ),
    ).toEqual({
      code: 'CONFLICT',
      message: `Tender ${tenderId} has a contract already.`,
    });
  });
});

describe('the officers contract list', () => {
  const AREA = '510114000000';
  let overdue: string;
  let dueToday: string;
  let done: string;
  let terminated: string;
  let pending: string;
  const filter = (more: Partial<ContractFilter> = {}): ContractFilter => ({ within: AREA, ...more });
  const ids = async (more: Partial<ContractFilter> = {}) =>
    (await fx.store.contracts.page(filter(more), TODAY, { first: 50, after: undefined })).map((c) => c.id);

  beforeAll(async () => {
    overdue = (await fx.activeContract({ areaCode: AREA, milestones: ['2027-02-28'] })).contractId;
    dueToday = (await fx.activeContract({ areaCode: AREA, milestones: [TODAY] })).contractId;
    const accepted = await fx.activeContract({ areaCode: AREA, milestones: ['2027-01-15'] });
    await fx.store.milestones.complete(accepted.milestoneIds[0]!, '2027-01-10', ACTOR, nothing);
    done = accepted.contractId;
    terminated = (await fx.activeContract({ areaCode: AREA, milestones: ['2027-01-31'] })).contractId;
    await setStatus(terminated, 'TERMINATED');
    pending = (await fx.pendingContract({ areaCode: AREA, endsOn: '2027-06-30', milestones: ['2027-01-31'] })).contractId;
  });

  test('with overdue milestones: active contracts with a milestone open past its day (not due today, not accepted)', async () => {
    expect(await ids({ hasOverdueMilestones: true })).toEqual([overdue]);
    expect(await fx.store.contracts.count(filter({ hasOverdueMilestones: true }), TODAY)).toBe(1);
  });

  test('without: every other contract, the terminated and pending ones with old open milestones included', async () => {
    expect((await ids({ hasOverdueMilestones: false })).sort()).toEqual([dueToday, done, terminated, pending].sort());
  });

  test('by status, and expiring on or before a day', async () => {
    expect(await ids({ status: ['TERMINATED'] })).toEqual([terminated]);
    expect(await ids({ expiringBefore: '2027-06-30' })).toEqual([pending]);
    expect(await ids({ expiringBefore: '2027-06-29' })).toEqual([]);
  });

  test('ordered by end date then id; a page of n reads n + 1; after a cursor strictly', async () => {
    const all = await fx.store.contracts.page(filter(), TODAY, { first: 50, after: undefined });
    expect(all.map((c) => c.id)[0]).toBe(pending);
    const rest = [...all.slice(1)].map((c) => c.id).sort();
    expect(all.slice(1).map((c) => c.id)).toEqual(rest);
    expect(await fx.store.contracts.page(filter(), TODAY, { first: 2, after: undefined })).toHaveLength(3);
    const cursor = all[1]!;
    expect((await fx.store.contracts.page(filter(), TODAY, { first: 50, after: [cursor.endsOn, cursor.id] })).map((c) => c.id)).toEqual(
      all.slice(2).map((c) => c.id),
    );
  });

  test("a supplier's contracts: one page each, n + 1 rows, by end date, strictly after the cursor", async () => {
    const { supplierId } = await fx.pendingContract({ areaCode: AREA });
    const supplierIds = (await fx.store.contracts.page(filter(), TODAY, { first: 50, after: undefined })).map((c) => c.supplierId);
    const [one] = await fx.store.contracts.supplierPage([supplierId, 'not-a-uuid'], { first: 1, after: undefined });
    expect(one!.supplierId).toBe(supplierId);
    expect(await fx.store.contracts.countBySupplier([supplierId])).toEqual([{ supplierId, count: 1 }]);
    expect(supplierIds.length).toBeGreaterThan(1);
  });

  test('milestones overdue in the area: open past their day on active contracts, by due day, strictly after the cursor', async () => {
    const page = await fx.store.milestones.overduePage(AREA, TODAY, { first: 10, after: undefined });
    expect(page.map((m) => m.contractId)).toEqual([overdue]);
    expect(await fx.store.milestones.countOverdue(AREA, TODAY)).toBe(1);
    expect(await fx.store.milestones.countOverdue('510100000000', TODAY)).toBeGreaterThanOrEqual(1);
    expect(await fx.store.milestones.countOverdue('510115000000', TODAY)).toBe(0);
    expect(await fx.store.milestones.overduePage(AREA, TODAY, { first: 10, after: [page[0]!.dueOn, page[0]!.id] })).toEqual([]);
    expect(await fx.store.milestones.overduePage(AREA, '2027-03-02', { first: 1, after: undefined })).toHaveLength(2);
  });
});

describe('supplier pages across end dates', () => {
  test('by end date, then id, with the cursor on (end date, id)', async () => {
    const supplierId = randomUUID();
    const made: { id: string; endsOn: string }[] = [];
    for (const endsOn of ['2027-09-30', '2027-03-31', '2027-06-30']) {
      const { contractId } = await fx.pendingContract({ endsOn });
      await fx.database.query(`UPDATE procurement.contract SET supplier_id = $1::uuid WHERE id = $2::uuid`, [supplierId, contractId]);
      made.push({ id: contractId, endsOn });
    }
    const ordered = [...made].sort((a, b) => a.endsOn.localeCompare(b.endsOn)).map((c) => c.id);
    expect((await fx.store.contracts.supplierPage([supplierId], { first: 1, after: undefined })).map((r) => r.id)).toEqual(
      ordered.slice(0, 2),
    );
    expect(
      (await fx.store.contracts.supplierPage([supplierId], { first: 5, after: ['2027-03-31', ordered[0]!] })).map((r) => r.id),
    ).toEqual(ordered.slice(1));
  });
});

describe('milestones', () => {
  // Six due days written latest first: ids are random, so an order by anything but the due day
  // matches this one once in 720 runs.
  const REVERSED = ['2027-06-01', '2027-05-01', '2027-04-01', '2027-03-01', '2027-02-15', '2027-02-01'];

  test("a contract's milestones by due day, whatever the order they were written in", async () => {
    const { contractId } = await fx.activeContract({ milestones: REVERSED });
    expect((await fx.store.milestones.byContract([contractId])).map((m) => m.dueOn)).toEqual([...REVERSED].reverse());
  });

  test('listed by due day; accepted once: a second acceptance is a CONFLICT and keeps the first day', async () => {
    const { contractId, milestoneIds } = await fx.activeContract({ milestones: ['2027-06-01', '2027-03-01'] });
    expect((await fx.store.milestones.byContract([contractId])).map((m) => m.dueOn)).toEqual(['2027-03-01', '2027-06-01']);
    const [id] = milestoneIds;
    expect(await fx.store.milestones.complete(id!, '2027-02-27', ACTOR, nothing)).toMatchObject({ completedOn: '2027-02-27' });
    expect(await refusalOf(fx.store.milestones.complete(id!, '2027-02-28', ACTOR, nothing))).toEqual({
      code: 'CONFLICT',
      message: `Milestone ${id} is already completed.`,
    });
    expect((await fx.store.milestones.byId([id!, 'x']))[0]!.completedOn).toBe('2027-02-27');
  });
});

describe('statistics of a year', () => {
  test('contracts signed from 1 January to 31 December, valued with their supplements, by district or category', async () => {
    const AREA = '510115000000';
    const signed = async (day: string) => (await fx.activeContract({ areaCode: AREA, value: '100000.00', signedOn: day })).contractId;
    await signed('2025-12-31');
    const first = await signed('2026-01-01');
    await signed('2026-12-31');
    await signed('2027-01-01');
    await fx.store.payments.addSupplement(first, '5000.00', '增加服务', '2026-02-01', ACTOR, nothing);
    expect(await fx.store.contracts.statistics(2026, AREA, 'DISTRICT')).toEqual([{ key: AREA, contracts: 2, amount: '205000.00' }]);
    expect(await fx.store.contracts.statistics(2026, '510116000000', 'CATEGORY')).toEqual([]);
    const street = '510115002001';
    await fx.activeContract({ areaCode: street, value: '1000.00', signedOn: '2026-06-01' });
    expect(await fx.store.contracts.statistics(2026, AREA, 'DISTRICT')).toEqual([{ key: AREA, contracts: 3, amount: '206000.00' }]);
    expect(await fx.store.contracts.statistics(2026, AREA, 'CATEGORY')).toEqual([
      { key: 'ELDERLY_CARE', contracts: 3, amount: '206000.00' },
    ]);
  });
});
