import { startTestGraph, type TestGraph } from '../../../test/support/graph';
import { activeContract, eligible, officer, openTender, orgAdmin, project, RECORD_PAYMENT, SUBMIT_BID } from './graph-support';

/**
 * Rules that must hold under concurrent requests. On PostgreSQL (the postgres project) the
 * requests really overlap; on PGlite they are serialised, and the rules must hold there too.
 */

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph({ seed: true });
});
afterAll(async () => {
  await graph?.stop();
});

test('two payments that together exceed the contract value, recorded at once: one is refused', async () => {
  for (let round = 0; round < 3; round++) {
    const { contractId } = await activeContract(graph, '600000.00');
    const token = await officer();
    const pay = () =>
      graph.request(RECORD_PAYMENT, { variables: { input: { contractId, amount: '400000.00', paidOn: '2026-12-10' } }, token });
    const results = await Promise.all([pay(), pay(), pay()]);
    const succeeded = results.filter((r) => !r.body.errors);
    const failed = results.filter((r) => r.body.errors);
    expect(succeeded).toHaveLength(1);
    expect(failed.map((r) => r.body.errors![0]!.extensions)).toEqual(
      failed.map(() => expect.objectContaining({ code: 'BAD_USER_INPUT', rule: 'PAYMENTS_WITHIN_VALUE' })),
    );
    const [row] = await graph.database.query<{ paid: string; payments: number }>(
      `SELECT c.paid::text AS paid, (SELECT count(*)::int FROM procurement.payment p WHERE p.contract_id = c.id) AS payments FROM procurement.contract c WHERE c.id = $1::uuid`,
      [contractId],
    );
    expect(row).toEqual({ paid: '400000.00', payments: 1 });
  }
});

test('two bids by the same organisation at once: one is refused with CONFLICT', async () => {
  for (let round = 0; round < 3; round++) {
    const tenderId = await openTender(graph, await project(graph));
    const org = eligible('ELDERLY_CARE', 1)[0]!;
    const token = await orgAdmin(org);
    const submit = (price: string) => graph.request(SUBMIT_BID, { variables: { input: { tenderId, price, proposal: '方案' } }, token });
    const results = await Promise.all([submit('500000.00'), submit('510000.00'), submit('520000.00')]);
    expect(results.filter((r) => !r.body.errors)).toHaveLength(1);
    for (const r of results.filter((x) => x.body.errors))
      expect(r.body.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', rule: 'ONE_BID_PER_ORGANIZATION' });
    const [row] = await graph.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM procurement.bid WHERE tender_id = $1::uuid`, [
      tenderId,
    ]);
    expect(row!.n).toBe(1);
  }
});
