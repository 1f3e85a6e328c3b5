import { randomUUID } from 'node:crypto';
import { ACTOR, openStore, refusalOf, type StoreFixture } from './store-support';

/** The payment, evaluation and record modules of the store: values changed by supplements, exact caps, repeated submissions. */

let fx: StoreFixture;
beforeAll(async () => {
  fx = await openStore();
});
afterAll(() => fx.close());

const nothing = () => undefined;
const pay = (contractId: string, amount: string, paidOn = '2027-01-15') =>
  fx.store.payments.record(contractId, { amount, paidOn, milestoneId: undefined }, ACTOR, nothing);
const supplement = (contractId: string, amount: string, today = '2027-01-10') =>
  fx.store.payments.addSupplement(contractId, amount, '增加服务人次', today, ACTOR, nothing);

describe('payments', () => {
  test('paying up to exactly the value is within it, and each payment moves the version', async () => {
    const { contractId } = await fx.activeContract({ value: '100000.00' });
    const version = await fx.version('contract', contractId);
    const first = await pay(contractId, '60000.00');
    expect(first.contract).toMatchObject({ paid: '60000.00', version: version + 1 });
    expect((await pay(contractId, '40000.00')).contract).toMatchObject({ paid: '100000.00', value: '100000.00', version: version + 2 });
  });

  test('a cent past the value, counting what was paid already, is refused by PAYMENTS_WITHIN_VALUE', async () => {
    const { contractId } = await fx.activeContract({ value: '100000.00' });
    await pay(contractId, '60000.00');
    expect(await refusalOf(pay(contractId, '40000.01'))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.amount',
      rule: 'PAYMENTS_WITHIN_VALUE',
      message: 'Paying 40000.01 would exceed the contract value 100000.00 (paid so far 60000.00).',
    });
  });

  test('a supplement raises the value payments may reach', async () => {
    const { contractId } = await fx.activeContract({ value: '100000.00' });
    const added = await supplement(contractId, '10000.00');
    expect(added.contract).toMatchObject({ value: '110000.00', originalValue: '100000.00', supplementaryTotal: '10000.00' });
    expect(added.agreement).toMatchObject({ amount: '10000.00', signedOn: '2027-01-10' });
    expect((await pay(contractId, '110000.00')).contract.paid).toBe('110000.00');
  });

  test('pending, completed and terminated contracts take no payment (PAY_ACTIVE_CONTRACTS)', async () => {
    const pending = await fx.pendingContract({ value: '100000.00' });
    expect(await refusalOf(pay(pending.contractId, '1.00'))).toMatchObject({ code: 'CONFLICT', rule: 'PAY_ACTIVE_CONTRACTS' });
    const { contractId } = await fx.activeContract({ value: '100000.00' });
    await fx.store.contracts.changeStatus(
      contractId,
      'TERMINATED',
      await fx.version('contract', contractId),
      '违约',
      '2027-01-01',
      ACTOR,
      nothing,
    );
    expect(await refusalOf(pay(contractId, '1.00'))).toEqual({
      code: 'CONFLICT',
      rule: 'PAY_ACTIVE_CONTRACTS',
      message: `Contract ${contractId} is TERMINATED; payments are made on active contracts.`,
    });
  });

  test('listed by day paid, and supplements by day signed', async () => {
    const { contractId } = await fx.activeContract({ value: '100000.00' });
    await pay(contractId, '3.00', '2027-03-01');
    await pay(contractId, '1.00', '2026-12-31');
    await pay(contractId, '2.00', '2027-01-01');
    expect((await fx.store.payments.byContract([contractId])).map((p) => p.paidOn)).toEqual(['2026-12-31', '2027-01-01', '2027-03-01']);
    await supplement(contractId, '2.00', '2027-02-01');
    await supplement(contractId, '1.00', '2027-01-01');
    expect((await fx.store.payments.supplementsByContract([contractId])).map((s) => s.signedOn)).toEqual(['2027-01-01', '2027-02-01']);
  });
});

describe('supplementary agreements', () => {
  test('together up to exactly a tenth of the original value; a cent more is refused, counting the earlier ones', async () => {
    const { contractId } = await fx.activeContract({ value: '100000.00' });
    await supplement(contractId, '6000.00');
    expect(await refusalOf(supplement(contractId, '4000.01'))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.amount',
      rule: 'SUPPLEMENTS_AT_MOST_TEN_PERCENT',
      message: 'Supplementary agreements may add at most 10% of the original value in total (10000.00); 6000.00 is already added.',
    });
    expect((await supplement(contractId, '4000.00')).contract).toMatchObject({ value: '110000.00', supplementaryTotal: '10000.00' });
  });

  test('a pending contract takes one; a terminated one does not', async () => {
    const pending = await fx.pendingContract({ value: '100000.00' });
    expect((await supplement(pending.contractId, '1000.00')).contract.value).toBe('101000.00');
    const { contractId } = await fx.activeContract({ value: '100000.00' });
    await fx.store.contracts.changeStatus(
      contractId,
      'TERMINATED',
      await fx.version('contract', contractId),
      '违约',
      '2027-01-01',
      ACTOR,
      nothing,
    );
    expect(await refusalOf(supplement(contractId, '1000.00'))).toMatchObject({ rule: 'SUPPLEMENTS_AT_MOST_TEN_PERCENT' });
    expect((await fx.store.contracts.byId([contractId]))[0]!.value).toBe('100000.00');
  });
});

describe('evaluations', () => {
  const evaluator = () => ({ id: randomUUID(), name: '第三方评估机构', creditCode: null });
  const result = { scores: [{ indicator: '服务人次', score: 90 }], satisfaction: 95.5, overall: 90, grade: 'EXCELLENT' as const };

  test("assigned once per contract; completed once; a supplier's completed ones listed latest first", async () => {
    const first = await fx.activeContract();
    const contract = (await fx.store.contracts.byId([first.contractId]))[0]!;
    const assigned = await fx.store.evaluations.assign(contract, evaluator(), ACTOR);
    expect(await refusalOf(fx.store.evaluations.assign(contract, evaluator(), ACTOR))).toEqual({
      code: 'CONFLICT',
      field: 'input.contractId',
      message: `Contract ${contract.id} already has an evaluator.`,
    });
    expect(await fx.store.evaluations.completedBySupplier([contract.supplierId])).toEqual([]);
    const done = await fx.store.evaluations.submit(assigned.id, result, ACTOR, nothing);
    expect(done).toMatchObject({ status: 'COMPLETED', residentSatisfaction: 95.5, overallScore: 90, grade: 'EXCELLENT' });
    expect(await refusalOf(fx.store.evaluations.submit(assigned.id, { ...result, grade: 'FAIL' }, ACTOR, nothing))).toEqual({
      code: 'CONFLICT',
      message: `Evaluation ${assigned.id} is already completed.`,
    });
    expect((await fx.store.evaluations.byId([assigned.id]))[0]!.grade).toBe('EXCELLENT');

    const second = await fx.activeContract();
    await fx.database.query(`UPDATE procurement.contract SET supplier_id = $1::uuid WHERE id = $2::uuid`, [
      contract.supplierId,
      second.contractId,
    ]);
    const later = await fx.store.evaluations.assign((await fx.store.contracts.byId([second.contractId]))[0]!, evaluator(), ACTOR);
    await fx.store.evaluations.submit(later.id, { ...result, grade: 'GOOD' }, ACTOR, nothing);
    const third = await fx.activeContract();
    await fx.database.query(`UPDATE procurement.contract SET supplier_id = $1::uuid WHERE id = $2::uuid`, [
      contract.supplierId,
      third.contractId,
    ]);
    await fx.store.evaluations.assign((await fx.store.contracts.byId([third.contractId]))[0]!, evaluator(), ACTOR);
    expect((await fx.store.evaluations.completedBySupplier([contract.supplierId, 'x'])).map((e) => e.grade)).toEqual(['GOOD', 'EXCELLENT']);
    expect((await fx.store.evaluations.byContract([third.contractId]))[0]!.status).toBe('ASSIGNED');
  });
});

describe("a project's record and history", () => {
  test("the export's milestones by due day, whatever the order they were written in", async () => {
    // Six due days written latest first: ids are random, so an order by id matches once in 720 runs.
    const reversed = ['2027-06-01', '2027-05-01', '2027-04-01', '2027-03-01', '2027-02-15', '2027-02-01'];
    const { projectId } = await fx.activeContract({ milestones: reversed });
    const [signed] = (await fx.store.records.project(projectId))!.contracts;
    expect(signed!.milestones.map((m) => m.dueOn.toISOString().slice(0, 10))).toEqual([...reversed].reverse());
  });

  test('every record under the project in its trail, oldest first; the export ordered by day', async () => {
    const { projectId, tenderId, contractId, milestoneIds } = await fx.activeContract({
      value: '100000.00',
      milestones: ['2027-06-01', '2027-03-01'],
    });
    const bidder = (await fx.store.bids.byTender([tenderId]))[0]!;
    await fx.store.tenders.fileObjection(tenderId, bidder.organizationId, '异议', ACTOR, nothing);
    await fx.store.milestones.complete(milestoneIds[0]!, '2027-02-01', ACTOR, nothing);
    await pay(contractId, '2.00', '2027-03-01');
    await pay(contractId, '1.00', '2027-02-01');
    await supplement(contractId, '2.00', '2027-02-01');
    await supplement(contractId, '1.00', '2027-01-01');
    const contract = (await fx.store.contracts.byId([contractId]))[0]!;
    const evaluation = await fx.store.evaluations.assign(contract, { id: randomUUID(), name: '评估机构', creditCode: null }, ACTOR);
    const history = await fx.store.records.history([projectId, 'not-a-uuid']);
    expect(history.map((event) => `${event.entityType}:${event.action}`)).toEqual([
      'Project:CREATE',
      'Tender:PUBLISH',
      'Bid:SUBMIT',
      'Tender:AWARD',
      'Contract:CREATE',
      'Contract:STATUS_ACTIVE',
      'Objection:FILE',
      'Milestone:COMPLETE',
      'Payment:RECORD',
      'Payment:RECORD',
      'SupplementaryAgreement:ADD',
      'SupplementaryAgreement:ADD',
      'PerformanceEvaluation:ASSIGN',
    ]);
    expect(history.every((event) => event.projectId === projectId)).toBe(true);
    expect(history.at(-1)!.entityId).toBe(evaluation.id);
    expect(await fx.store.records.history(['not-a-uuid'])).toEqual([]);

    const record = (await fx.store.records.project(projectId))!;
    const [signed] = record.contracts;
    const days = (dates: Date[]) => dates.map((date) => date.toISOString().slice(0, 10));
    expect(days(signed!.milestones.map((m) => m.dueOn))).toEqual(['2027-03-01', '2027-06-01']);
    expect(days(signed!.payments.map((p) => p.paidOn))).toEqual(['2027-02-01', '2027-03-01']);
    expect(days(signed!.supplementaryAgreements.map((s) => s.signedOn))).toEqual(['2027-01-01', '2027-02-01']);
    expect(signed!.evaluation?.id).toBe(evaluation.id);
  });

  test('the export lists tenders oldest first', async () => {
    const projectId = await fx.project();
    const first = await fx.tender(projectId);
    await fx.store.tenders.cancel(first.id, '取消', ACTOR, nothing);
    const second = await fx.tender(projectId);
    expect((await fx.store.records.project(projectId))!.tenders.map((t) => t.id)).toEqual([first.id, second.id]);
    expect(await fx.store.records.project(randomUUID())).toBeNull();
  });
});
