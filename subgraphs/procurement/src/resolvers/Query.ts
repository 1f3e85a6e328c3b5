import { todayIn } from '../../../../lib/kernel/dates';
import { notFound } from '../../../../lib/kernel/errors';
import { requireUuid } from '../../../../lib/kernel/ids';
import { readPage, toConnection } from '../../../../lib/runtime/connections';
import { isReader, requireReader } from '../access';
import type { QueryResolvers } from '../generated/graphql';
import { partyOrganizations, releasePackage } from '../ocds';
import { flagsOf } from '../red-flags/evaluate';
import { PROCESS_INDICATORS } from '../models';
import { candidatesKey, type RegistryOrganization } from '../registry';
import { MIN_QUALIFIED_BIDS, ineligibility, keyedPage, calendarDate, year } from '../rules';
import type { ContractFilter, RedFlagModel, TenderRiskModel } from '../models';

const DAY_MS = 86_400_000;

export const Query: QueryResolvers = {
  catalogue: (_, __, { store }) => store.budgetLines.catalogue(),

  budgetLines: (_, args, { viewer, store }) => {
    const within = args.within;
    requireReader(viewer, within, 'Budget lines');
    return store.budgetLines.within(within, year(args.year, 'year'));
  },

  procurementProject: (_, { id }, { loaders }) => loaders.project.load(requireUuid(id, 'id')),

  procurementProjects: async (_, args, { store, loaders }) => {
    const within = args.within;
    const page = keyedPage(args, ['uuid', 'uuid']);
    const rows = await store.projects.page(within, args.status ?? undefined, page);
    for (const row of rows) loaders.project.prime(row.id, row);
    return toConnection(
      rows,
      page,
      (project) => [project.id, project.id],
      () => store.projects.count(within, args.status ?? undefined),
    );
  },

  contract: (_, { id }, { loaders }) => loaders.contract.load(requireUuid(id, 'id')),

  contracts: async (_, { filter, first, after }, { viewer, store, loaders }) => {
    const page = keyedPage({ first, after }, ['date', 'uuid']);
    const within = filter?.within ? filter.within : viewer.anonymous ? '000000000000' : viewer.area;
    requireReader(viewer, within, 'The contracts list');
    const criteria: ContractFilter = {
      within,
      status: filter?.status ?? undefined,
      purchaser: filter?.purchaser ? requireUuid(filter.purchaser, 'filter.purchaser') : undefined,
      supplier: filter?.supplier ? requireUuid(filter.supplier, 'filter.supplier') : undefined,
      expiringBefore: filter?.expiringBefore ? calendarDate(filter.expiringBefore, 'filter.expiringBefore') : undefined,
      hasOverdueMilestones: filter?.hasOverdueMilestones ?? undefined,
    };
    const today = todayIn(loaders.settings.timeZone);
    const rows = await store.contracts.page(criteria, today, page);
    for (const row of rows) loaders.contract.prime(row.id, row);
    return toConnection(
      rows,
      page,
      (contract) => [contract.endsOn, contract.id],
      () => store.contracts.count(criteria, today),
    );
  },

  overdueMilestones: async (_, args, { viewer, store, loaders }) => {
    const within = args.within;
    requireReader(viewer, within, 'Overdue milestones');
    const page = keyedPage(args, ['date', 'uuid']);
    const today = todayIn(loaders.settings.timeZone);
    const rows = await store.milestones.overduePage(within, today, page);
    for (const row of rows) loaders.milestone.prime(row.id, row);
    return toConnection(
      rows,
      page,
      (milestone) => [milestone.dueOn, milestone.id],
      () => store.milestones.countOverdue(within, today),
    );
  },

  /**
   * Active tenders at risk: one statement for the tenders with their bid counts and projects'
   * purchasers; the registry's candidates (the category's organisations serving the area, and
   * the invited) asked in batched peer calls; each counted when submitBid's eligibility test
   * (rules.ts) passes it today; then filtered and paged here.
   */
  tendersAtRisk: async (_, args, { viewer, store, loaders }) => {
    const within = args.within;
    requireReader(viewer, within, 'Tenders at risk');
    const page = keyedPage(args, ['time', 'uuid']);
    const candidates = await store.tenders.active(within);
    const [pools, invited] = await Promise.all([
      Promise.all(candidates.map(({ tender, category }) => loaders.registry.candidates.load(candidatesKey(tender.areaCode, category)))),
      loaders.registry.organizations.loadMany([...new Set(candidates.flatMap(({ tender }) => tender.invitedIds))]),
    ]);
    const byId = new Map(invited.filter((o): o is RegistryOrganization => o !== null && !(o instanceof Error)).map((o) => [o.id, o]));
    const horizon = Date.now() + loaders.settings.atRiskDays * DAY_MS;
    const risks: TenderRiskModel[] = [];
    candidates.forEach(({ tender, category, purchaserId, bidCount }, i) => {
      loaders.tender.prime(tender.id, tender);
      const bidders = new Map(pools[i]!.map((o) => [o.id, o]));
      for (const id of tender.invitedIds) if (byId.has(id)) bidders.set(id, byId.get(id)!);
      const terms = { ...tender, category, purchaserId };
      const eligibleSupply = [...bidders.values()].filter((bidder) => ineligibility(bidder, terms) === null).length;
      const reasons = [
        ...(eligibleSupply < MIN_QUALIFIED_BIDS ? ['THIN_SUPPLY'] : []),
        ...(bidCount < MIN_QUALIFIED_BIDS && tender.closesAt.getTime() <= horizon ? ['FEW_BIDS'] : []),
      ];
      if (reasons.length > 0) risks.push({ tender, eligibleSupply, bidCount, reasons });
    });
    const key = (risk: TenderRiskModel) => [risk.tender.closesAt.toISOString(), risk.tender.id];
    const start = page.after ? risks.findIndex((risk) => compareKeys(key(risk), page.after!) > 0) : 0;
    const rest = start < 0 ? [] : risks.slice(start);
    return toConnection(rest.slice(0, page.first + 1), page, key, async () => risks.length);
  },

  /** Computed over the scope's processes (facts and population fences: two statements), then paged here. */
  redFlags: async (_, args, { viewer, store, loaders }) => {
    const within = args.within;
    const page = readPage(args, ['timestamp', 'uuid', 'text']);
    const { redFlags: thresholds, timeZone } = loaders.settings;
    const processes = await store.redFlags.jurisdictionProcesses(within, year(args.year, 'year'), timeZone);
    const all = await flagsOf(processes, store.redFlags, loaders.registryReads, thresholds, timeZone, new Date());
    const visible = all.filter((flag) => flag.decided || isReader(viewer, flag.areaCode));
    const countsByIndicator = PROCESS_INDICATORS.map((indicator) => ({
      indicator,
      count: visible.filter((flag) => flag.indicator === indicator).length,
    }));
    const key = (flag: RedFlagModel): (string | number)[] => [flag.raisedAt.toISOString(), flag.tenderId, flag.indicator];
    const listed = visible
      .filter((flag) => !args.indicator || flag.indicator === args.indicator)
      .sort((a, b) => compareKeys(key(b), key(a)));
    const rest = page.after ? listed.filter((flag) => compareKeys(key(flag), page.after!) < 0) : listed;
    for (const process of processes)
      loaders.projectRedFlags.prime(
        process.projectId,
        all.filter((flag) => flag.projectId === process.projectId),
      );
    return { ...toConnection(rest.slice(0, page.first + 1), page, key, async () => listed.length), countsByIndicator };
  },

  procurementStatistics: (_, args, { viewer, store }) => {
    const within = args.within;
    requireReader(viewer, within, 'Procurement statistics');
    return store.contracts.statistics(year(args.year, 'year'), within, args.groupBy);
  },

  ocdsReleasePackage: async (_, { projectId }, { store, loaders }) => {
    const id = requireUuid(projectId, 'projectId');
    const record = await store.records.project(id);
    if (!record) throw notFound(`No project ${id}.`);
    return releasePackage(record, loaders.settings, new Date(), await loaders.registry.publicAddresses(partyOrganizations(record)));
  },
};

function compareKeys(a: (string | number)[], b: (string | number)[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = String(a[i] ?? '');
    const y = String(b[i] ?? '');
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
