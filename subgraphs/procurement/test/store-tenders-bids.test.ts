import { randomUUID } from 'node:crypto';
import type { BidModel, TenderModel } from '../src/models';
import { ACTOR, JINJIANG, openStore, refusalOf, WUHOU, type StoreFixture } from './store-support';

/** The tender and bid modules of the store: withdrawn bids, cancelled tenders, stale versions, page edges. */

let fx: StoreFixture;
beforeAll(async () => {
  fx = await openStore();
});
afterAll(() => fx.close());

const nothing = () => undefined;
const scoresOf = (bids: BidModel[]) => new Map(bids.map((bid) => [bid.id, { qualified: true, score: undefined }]));

describe('bids', () => {
  test('a withdrawn bid is not live: counts skip it, the tender list reads it, a second withdrawal is a CONFLICT', async () => {
    const tender = await fx.tender(await fx.project());
    const kept = await fx.bid(tender.id, '700000.00');
    const withdrawn = await fx.bid(tender.id, '650000.00');
    const after = await fx.store.bids.withdraw(withdrawn.id, ACTOR, nothing);
    expect(after.withdrawnAt).toBeInstanceOf(Date);
    expect(await fx.store.bids.liveCounts([tender.id])).toEqual([{ tenderId: tender.id, count: 1 }]);
    expect((await fx.store.bids.byTender([tender.id])).map((bid) => bid.id)).toEqual([kept.id, withdrawn.id]);
    expect(await refusalOf(fx.store.bids.withdraw(withdrawn.id, ACTOR, nothing))).toEqual({
      code: 'CONFLICT',
      message: `Bid ${withdrawn.id} is already withdrawn.`,
    });
  });

  test('a second live bid by one organisation is refused by ONE_BID_PER_ORGANIZATION; after withdrawing, it bids again', async () => {
    const tender = await fx.tender(await fx.project());
    const organizationId = randomUUID();
    const first = await fx.bid(tender.id, '700000.00', organizationId);
    expect(await refusalOf(fx.bid(tender.id, '690000.00', organizationId))).toEqual({
      code: 'CONFLICT',
      rule: 'ONE_BID_PER_ORGANIZATION',
      message: `Organisation ${organizationId} already has a bid on tender ${tender.id}.`,
    });
    await fx.store.bids.withdraw(first.id, ACTOR, nothing);
    await fx.bid(tender.id, '690000.00', organizationId);
  });

  test('the fresh tender is checked before the bid is stored', async () => {
    const tender = await fx.tender(await fx.project());
    const seen: TenderModel[] = [];
    const refused = fx.store.bids.submit(
      tender.id,
      { id: randomUUID(), name: '迟到机构', creditCode: null },
      '500000.00',
      '方案',
      ACTOR,
      (fresh) => {
        seen.push(fresh);
        throw new Error('closed');
      },
    );
    await expect(refused).rejects.toThrow('closed');
    expect(seen.map((t) => t.id)).toEqual([tender.id]);
    expect(await fx.store.bids.byTender([tender.id])).toEqual([]);
  });

  test("an organisation's bids: withdrawn ones counted, a page of n reads n + 1, after the cursor strictly", async () => {
    const organizationId = randomUUID();
    const bids: string[] = [];
    for (let i = 0; i < 3; i++) bids.push((await fx.bid((await fx.tender(await fx.project())).id, '500000.00', organizationId)).id);
    await fx.store.bids.withdraw(bids[0]!, ACTOR, nothing);
    const sorted = [...bids].sort();
    expect(await fx.store.bids.countByOrganization([organizationId, 'not-a-uuid'])).toEqual([{ organizationId, count: 3 }]);
    expect((await fx.store.bids.organizationPage([organizationId], { first: 1, after: undefined })).map((row) => row.id)).toEqual(
      sorted.slice(0, 2),
    );
    expect(
      (await fx.store.bids.organizationPage([organizationId], { first: 5, after: [sorted[0]!, sorted[0]!] })).map((row) => row.id),
    ).toEqual(sorted.slice(1));
  });
});

describe('active tenders of an area', () => {
  test('active ones only, the area asked only, by closing time, with live bids counted', async () => {
    const area = '510112000000';
    const soon = await fx.tender(await fx.project({ areaCode: area }), { closesAt: new Date(Date.now() + 5 * 86_400_000) });
    const later = await fx.tender(await fx.project({ areaCode: area }), { closesAt: new Date(Date.now() + 30 * 86_400_000) });
    await fx.bid(later.id);
    const gone = await fx.bid(later.id);
    await fx.store.bids.withdraw(gone.id, ACTOR, nothing);
    const cancelled = await fx.tender(await fx.project({ areaCode: area }));
    await fx.store.tenders.cancel(cancelled.id, '需求变更', ACTOR, nothing);
    const awarded = await fx.tender(await fx.project({ areaCode: area }));
    await fx.award(awarded, await fx.bid(awarded.id));
    await fx.tender(await fx.project({ areaCode: '510113000000' }));
    const active = await fx.store.tenders.active(area);
    expect(active.map(({ tender, bidCount }) => [tender.id, bidCount])).toEqual([
      [soon.id, 0],
      [later.id, 1],
    ]);
    expect(active[0]).toMatchObject({ category: 'ELDERLY_CARE', tender: { areaCode: area, status: 'ACTIVE' } });
  });

  test('a district below the one asked is not in it', async () => {
    await fx.tender(await fx.project({ areaCode: WUHOU }));
    expect((await fx.store.tenders.active(JINJIANG)).map(({ tender }) => tender.areaCode)).not.toContain(WUHOU);
  });
});

describe('evaluating a tender', () => {
  test('withdrawn bids are not evaluated and may not be scored', async () => {
    const tender = await fx.tender(await fx.project());
    const live = await fx.bid(tender.id, '700000.00');
    const withdrawn = await fx.bid(tender.id, '600000.00');
    await fx.store.bids.withdraw(withdrawn.id, ACTOR, nothing);
    const version = await fx.version('tender', tender.id);
    expect(await refusalOf(fx.store.tenders.evaluate(tender.id, version, scoresOf([live, withdrawn]), ACTOR, () => null))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.scores',
      rule: 'EVERY_BID_EVALUATED',
      message: `Bid ${withdrawn.id} is not a live bid of this tender.`,
    });
    let decided: string[] = [];
    const awarded = await fx.store.tenders.evaluate(tender.id, version, scoresOf([live]), ACTOR, (_, bids) => {
      decided = bids.map((bid) => bid.id);
      return { winner: bids[0]!, noticeDate: '2026-12-31', objectionDeadline: '2027-01-12' };
    });
    expect(decided).toEqual([live.id]);
    expect(awarded).toMatchObject({
      status: 'AWARDED',
      awardedBidId: live.id,
      awardAmount: '700000.00',
      awardNoticeDate: '2026-12-31',
      objectionDeadline: '2027-01-12',
    });
  });

  test('a stale version, older or newer, is a CONFLICT', async () => {
    const tender = await fx.tender(await fx.project());
    const bid = await fx.bid(tender.id);
    const version = await fx.version('tender', tender.id);
    for (const stale of [version - 1, version + 1]) {
      expect(await refusalOf(fx.store.tenders.evaluate(tender.id, stale, scoresOf([bid]), ACTOR, () => null))).toEqual({
        code: 'CONFLICT',
        field: 'input.expectedVersion',
        message: `Tender ${tender.id} changed meanwhile (now version ${version}).`,
      });
    }
  });

  test('an unsuccessful tender returns its project to PLANNED, and it can be tendered again', async () => {
    const projectId = await fx.project();
    const tender = await fx.tender(projectId);
    await fx.bid(tender.id);
    const failed = await fx.award(tender, null);
    expect(failed.status).toBe('UNSUCCESSFUL');
    expect((await fx.store.projects.byId([projectId]))[0]!.status).toBe('PLANNED');
    const again = await fx.tender(projectId, { method: 'INVITED' });
    expect((await fx.store.tenders.byProject([projectId])).map((t) => [t.id, t.status])).toEqual([
      [tender.id, 'UNSUCCESSFUL'],
      [again.id, 'ACTIVE'],
    ]);
  });

  test('an unknown tender is NOT_FOUND', async () => {
    const id = randomUUID();
    expect(await refusalOf(fx.store.tenders.evaluate(id, 1, new Map(), ACTOR, () => null))).toMatchObject({
      code: 'NOT_FOUND',
      message: `No tender ${id}.`,
    });
  });
});

describe('publishing and cancelling', () => {
  test('a project already tendering is refused by the status check, not the unique index', async () => {
    const projectId = await fx.project();
    await fx.tender(projectId);
    expect(await refusalOf(fx.tender(projectId))).toEqual({
      code: 'CONFLICT',
      message: `Project ${projectId} is TENDERING or was changed meanwhile; only a planned project is tendered.`,
    });
  });

  test('the check reads the earlier tenders oldest first; a cancelled tender frees its project', async () => {
    const projectId = await fx.project();
    const first = await fx.tender(projectId);
    await fx.store.tenders.cancel(first.id, '需求变更', ACTOR, nothing);
    expect((await fx.store.projects.byId([projectId]))[0]!.status).toBe('PLANNED');
    const second = await fx.tender(projectId);
    await fx.award(second, null);
    let previous: string[] = [];
    await fx.store.tenders.publish(
      {
        projectId,
        method: 'OPEN',
        methodChangeReason: null,
        awardCriteria: 'PRICE_ONLY',
        eligibleKinds: ['SOCIAL_SERVICE_AGENCY'],
        minGrade: undefined,
        invitedIds: [],
        opensAt: new Date(),
        closesAt: new Date(Date.now() + 30 * 86_400_000),
      },
      ACTOR,
      (_, tenders) => void (previous = tenders.map((t) => t.id)),
    );
    expect(previous).toEqual([first.id, second.id]);
  });

  test('cancelling an unknown tender is NOT_FOUND', async () => {
    const id = randomUUID();
    expect(await refusalOf(fx.store.tenders.cancel(id, '无', ACTOR, nothing))).toMatchObject({
      code: 'NOT_FOUND',
      message: `No tender ${id}.`,
    });
  });
});

describe('objections', () => {
  test("the check sees the objector's own bids only; objections are listed as filed", async () => {
    const tender = await fx.tender(await fx.project());
    const winner = await fx.bid(tender.id, '600000.00');
    const loser = await fx.bid(tender.id, '700000.00');
    const awarded = await fx.award(tender, winner);
    const seen: string[][] = [];
    const record = (_: TenderModel, bids: BidModel[]) => void seen.push(bids.map((bid) => bid.id));
    const first = await fx.store.tenders.fileObjection(awarded.id, loser.organizationId, '评分不公', ACTOR, record);
    await fx.store.tenders.fileObjection(awarded.id, randomUUID(), '未投标', ACTOR, record);
    const second = await fx.store.tenders.fileObjection(awarded.id, loser.organizationId, '补充理由', ACTOR, record);
    expect(seen).toEqual([[loser.id], [], [loser.id]]);
    const listed = (await fx.store.tenders.objections([awarded.id])).map((o) => o.id);
    expect(listed[0]).toBe(first.id);
    expect(listed[2]).toBe(second.id);
  });
});
