import { randomUUID } from 'node:crypto';
import type { Database } from '../../../lib/runtime/db';
import { createTestDatabase, dropTestDatabase } from '../../../test/support/database';
import { refusal } from '../../../test/support/refusal';
import type { Actor } from '../../../lib/kernel/actor';
import type { BidModel, TenderModel } from '../src/models';
import { createProcurementStore, type ProcurementStore } from '../src/store/index';

/** A procurement store on a fresh migrated database, and records made through it, for the store's own tests. */

export const WUHOU = '510107000000';
export const JINJIANG = '510104000000';
export const JIFU = '510107001001';
export const ACTOR: Actor = { id: 'store-test', roles: ['PROCUREMENT_OFFICER'], org: null, area: WUHOU, requestId: 'store-test' };
export const CATALOGUE_CODE = 'A01.01';

const DAY_MS = 86_400_000;
const nothing = () => undefined;

/** What a refused store call threw, flattened (message, code, rule, field). */
export async function refusalOf(work: Promise<unknown>): Promise<Record<string, unknown>> {
  const error = await work.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  // Refusals are GraphQLErrors: anything else thrown (or nothing) is not one.
  if (!(error instanceof Error)) throw new Error('Expected a refusal.');
  return refusal(() => {
    throw error;
  });
}

export interface StoreFixture {
  database: Database;
  store: ProcurementStore;
  close(): Promise<void>;
  budgetLine(options?: {
    amount?: string;
    areaCode?: string;
    year?: number;
    name?: string;
    agencyId?: string;
  }): Promise<{ id: string; agencyId: string }>;
  project(options?: {
    budget?: string;
    areaCode?: string;
    communityCodes?: string[];
    targets?: string[];
    line?: { id: string; agencyId: string };
  }): Promise<string>;
  tender(projectId: string, options?: { method?: 'OPEN' | 'INVITED'; opensAt?: Date; closesAt?: Date }): Promise<TenderModel>;
  bid(tenderId: string, price?: string, organizationId?: string): Promise<BidModel>;
  /** Moves the tender's window into the past, as time would. */
  closeTender(tenderId: string): Promise<void>;
  /** Evaluates every live bid as qualified and awards the given one (or fails the tender when null). */
  award(tender: TenderModel, winner: BidModel | null, noticeDate?: string): Promise<TenderModel>;
  /** A project taken to an awarded tender and a PENDING contract. */
  pendingContract(options?: {
    value?: string;
    startsOn?: string;
    endsOn?: string;
    milestones?: string[];
    areaCode?: string;
  }): Promise<{ contractId: string; projectId: string; tenderId: string; supplierId: string; milestoneIds: string[] }>;
  /** The same, signed (ACTIVE) on `signedOn`. */
  activeContract(options?: {
    value?: string;
    signedOn?: string;
    milestones?: string[];
    areaCode?: string;
  }): Promise<{ contractId: string; projectId: string; tenderId: string; supplierId: string; milestoneIds: string[] }>;
  version(table: 'tender' | 'contract' | 'project', id: string): Promise<number>;
}

export async function openStore(): Promise<StoreFixture> {
  const database = await createTestDatabase();
  const store = createProcurementStore(database, undefined);
  await store.budgetLines.addCatalogueItem({ code: CATALOGUE_CODE, name: '居家养老上门服务', category: 'ELDERLY_CARE' }, ACTOR);

  const fixture: StoreFixture = {
    database,
    store,
    async close() {
      await store.close();
      await dropTestDatabase(database);
    },
    async budgetLine({ amount = '5000000.00', areaCode = WUHOU, year = 2026, name = '养老服务预算', agencyId = randomUUID() } = {}) {
      const line = await store.budgetLines.create({ agencyId, areaCode, year, name, amount }, ACTOR);
      return { id: line.id, agencyId };
    },
    async project({ budget = '800000.00', areaCode = WUHOU, communityCodes = [], targets = ['服务人次'], line } = {}) {
      const budgetLine = line ?? (await fixture.budgetLine({ areaCode }));
      const project = await store.projects.create(
        {
          title: '居家养老上门服务项目',
          purchaser: { id: budgetLine.agencyId, name: '民政局', creditCode: null },
          areaCode,
          communityCodes,
          catalogueCode: CATALOGUE_CODE,
          budgetLineId: budgetLine.id,
          serviceContent: '上门助洁、助浴、助医',
          budget,
          termMonths: 12,
          termJustification: null,
          targets: targets.map((indicator, i) => ({ indicator, targetValue: String(100 * (i + 1)) })),
        },
        ACTOR,
      );
      return project.id;
    },
    async tender(
      projectId,
      { method = 'OPEN', opensAt = new Date(Date.now() - DAY_MS), closesAt = new Date(Date.now() + 21 * DAY_MS) } = {},
    ) {
      return store.tenders.publish(
        {
          projectId,
          method,
          methodChangeReason: null,
          awardCriteria: 'PRICE_ONLY',
          eligibleKinds: ['SOCIAL_SERVICE_AGENCY'],
          minGrade: undefined,
          invitedIds: [],
          opensAt,
          closesAt,
        },
        ACTOR,
        nothing,
      );
    },
    async bid(tenderId, price = '700000.00', organizationId = randomUUID()) {
      return store.bids.submit(
        tenderId,
        { id: organizationId, name: `机构${organizationId.slice(0, 4)}`, creditCode: null },
        price,
        '服务方案',
        ACTOR,
        nothing,
      );
    },
    async closeTender(tenderId) {
      await database.query(
        `UPDATE procurement.tender SET opens_at = now() - interval '30 days', closes_at = now() - interval '1 second' WHERE id = $1::uuid`,
        [tenderId],
      );
    },
    async award(tender, winner, noticeDate = '2026-12-01') {
      const bids = await store.bids.byTender([tender.id]);
      const scores = new Map(bids.filter((bid) => !bid.withdrawnAt).map((bid) => [bid.id, { qualified: true, score: undefined }]));
      const version = await fixture.version('tender', tender.id);
      return store.tenders.evaluate(tender.id, version, scores, ACTOR, () =>
        winner ? { winner, noticeDate, objectionDeadline: '2026-12-10' } : null,
      );
    },
    async pendingContract({
      value = '600000.00',
      startsOn = '2026-12-01',
      endsOn = '2027-11-30',
      milestones = ['2027-03-01'],
      areaCode = WUHOU,
    } = {}) {
      const projectId = await fixture.project({ areaCode });
      const tender = await fixture.tender(projectId);
      const winner = await fixture.bid(tender.id, '650000.00');
      await fixture.award(tender, winner);
      const contract = await store.contracts.create(
        tender.id,
        {
          value,
          startsOn,
          endsOn,
          milestones: milestones.map((dueOn, i) => ({ title: `第${i + 1}阶段`, deliverable: '服务台账', dueOn })),
        },
        ACTOR,
        nothing,
      );
      const milestoneIds = (await store.milestones.byContract([contract.id])).map((milestone) => milestone.id);
      return { contractId: contract.id, projectId, tenderId: tender.id, supplierId: winner.organizationId, milestoneIds };
    },
    async activeContract({ value, signedOn = '2026-12-05', milestones, areaCode } = {}) {
      const made = await fixture.pendingContract({ value, milestones, areaCode });
      await store.contracts.changeStatus(
        made.contractId,
        'ACTIVE',
        await fixture.version('contract', made.contractId),
        null,
        signedOn,
        ACTOR,
        nothing,
      );
      return made;
    },
    async version(table, id) {
      const [row] = await database.query<{ version: number }>(`SELECT version FROM procurement.${table} WHERE id = $1::uuid`, [id]);
      return row!.version;
    },
  };
  return fixture;
}
