import DataLoader from 'dataloader';
import type { Viewer } from '../../../lib/kernel/auth';
import type { Page } from '../../../lib/runtime/connections';
import { groupedLoader, keyedLoader } from '../../../lib/runtime/loaders';
import type { PeerClient } from '../../../lib/runtime/peers';
import type { ProcurementConfig } from './config';
import { flagsOf, type RegistryReads } from './red-flags/evaluate';
import type { OrganizationRedFlagModel, RedFlagModel } from './models';
import { partyFlags } from './red-flags/parties';
import { createRegistry } from './registry';
import type { ProcurementStore } from './store/index';

export function createLoaders(store: ProcurementStore, _viewer: Viewer, peers: PeerClient, settings: ProcurementConfig) {
  const communityPages = new Map<string, DataLoader<string, string[]>>();
  /** Ids of one page per owner, shared by every owner asked with the same page arguments. */
  const pagedIds =
    <Row>(
      pages: Map<string, DataLoader<string, string[]>>,
      fetch: (owners: readonly string[], page: Page<(string | number)[]>) => Promise<Row[]>,
      ownerOf: (row: Row) => string,
      idOf: (row: Row) => string,
    ) =>
    (page: Page<(string | number)[]>): DataLoader<string, string[]> => {
      const key = JSON.stringify([page.first, page.after ?? null]);
      let loader = pages.get(key);
      if (!loader) {
        loader = new DataLoader<string, string[]>(async (owners) => {
          const byOwner = new Map<string, string[]>(owners.map((owner) => [owner, []]));
          for (const row of await fetch(owners, page)) byOwner.get(ownerOf(row))?.push(idOf(row));
          return owners.map((owner) => byOwner.get(owner)!);
        });
        pages.set(key, loader);
      }
      return loader;
    };
  const counts = <Row>(
    fetch: (owners: readonly string[]) => Promise<Row[]>,
    ownerOf: (row: Row) => string,
    countOf: (row: Row) => number,
  ) =>
    new DataLoader<string, number>(async (owners) => {
      const byOwner = new Map((await fetch(owners)).map((row) => [ownerOf(row), countOf(row)]));
      return owners.map((owner) => byOwner.get(owner) ?? 0);
    });
  const partyFlagYears = new Map<number, DataLoader<string, OrganizationRedFlagModel[]>>();
  const registry = createRegistry(peers);
  // Anonymous peer reads: what the registry publishes, the same flags whoever asks.
  const registryReads: RegistryReads = {
    penaltiesOf: (ids) => registry.penalties.loadMany(ids),
    representativesOf: async (ids) =>
      (await registry.organizations.loadMany(ids)).map((found) => (found instanceof Error ? found : (found?.legalRepresentative ?? null))),
  };
  return {
    settings,
    /** A year's buyer and supplier flags of every organisation asked at once: one statement. */
    organizationRedFlags: (year: number): DataLoader<string, OrganizationRedFlagModel[]> => {
      let loader = partyFlagYears.get(year);
      if (!loader) {
        loader = new DataLoader(async (ids) => {
          const { fences, records } = await store.redFlags.partyRecords(ids, year, settings.timeZone, settings.partyFlags);
          const byId = new Map(records.map((record) => [record.organizationId, partyFlags(record, fences, settings.partyFlags, year)]));
          return ids.map((id) => byId.get(id) ?? []);
        });
        partyFlagYears.set(year, loader);
      }
      return loader;
    },
    registry,
    registryReads,
    catalogueItem: keyedLoader(
      (codes: readonly string[]) => store.budgetLines.catalogueItems(codes),
      (item) => item.code,
    ),
    budgetLine: keyedLoader(
      (ids: readonly string[]) => store.budgetLines.byId(ids),
      (line) => line.id,
    ),
    project: keyedLoader(
      (ids: readonly string[]) => store.projects.byId(ids),
      (project) => project.id,
    ),
    projectCommunities: groupedLoader(
      (ids: readonly string[]) => store.projects.communities(ids),
      (row) => row.projectId,
    ),
    projectHistory: groupedLoader(
      (ids: readonly string[]) => store.records.history(ids),
      (event) => event.projectId,
    ),
    projectTargets: groupedLoader(
      (ids: readonly string[]) => store.projects.targets(ids),
      (row) => row.projectId,
    ),
    tender: keyedLoader(
      (ids: readonly string[]) => store.tenders.byId(ids),
      (tender) => tender.id,
    ),
    projectTenders: groupedLoader(
      (ids: readonly string[]) => store.tenders.byProject(ids),
      (tender) => tender.projectId,
    ),
    bid: keyedLoader(
      (ids: readonly string[]) => store.bids.byId(ids),
      (bid) => bid.id,
    ),
    tenderBids: groupedLoader(
      (ids: readonly string[]) => store.bids.byTender(ids),
      (bid) => bid.tenderId,
    ),
    liveBidCount: new DataLoader<string, number>(async (ids) => {
      const counts = new Map((await store.bids.liveCounts(ids)).map((row) => [row.tenderId, row.count]));
      return ids.map((id) => counts.get(id) ?? 0);
    }),
    /** Every project's red flags at once: one statement for the facts, one for the population fences. */
    projectRedFlags: new DataLoader<string, RedFlagModel[]>(async (ids) => {
      const flags = await flagsOf(
        await store.redFlags.projectProcesses(ids),
        store.redFlags,
        registryReads,
        settings.redFlags,
        settings.timeZone,
        new Date(),
      );
      return ids.map((id) => flags.filter((flag) => flag.projectId === id));
    }),
    tenderObjections: groupedLoader(
      (ids: readonly string[]) => store.tenders.objections(ids),
      (row) => row.tenderId,
    ),
    contract: keyedLoader(
      (ids: readonly string[]) => store.contracts.byId(ids),
      (contract) => contract.id,
    ),
    projectContract: keyedLoader(
      (ids: readonly string[]) => store.contracts.byProject(ids),
      (contract) => contract.projectId,
    ),
    milestone: keyedLoader(
      (ids: readonly string[]) => store.milestones.byId(ids),
      (milestone) => milestone.id,
    ),
    contractMilestones: groupedLoader(
      (ids: readonly string[]) => store.milestones.byContract(ids),
      (row) => row.contractId,
    ),
    contractPayments: groupedLoader(
      (ids: readonly string[]) => store.payments.byContract(ids),
      (row) => row.contractId,
    ),
    contractSupplements: groupedLoader(
      (ids: readonly string[]) => store.payments.supplementsByContract(ids),
      (row) => row.contractId,
    ),
    contractEvaluation: keyedLoader(
      (ids: readonly string[]) => store.evaluations.byContract(ids),
      (row) => row.contractId,
    ),
    supplierPerformance: groupedLoader(
      (ids: readonly string[]) => store.evaluations.completedBySupplier(ids),
      (row) => row.supplierId,
    ),

    /** Ids of one page of projects per community. */
    communityProjectIds: pagedIds(
      communityPages,
      (codes, page) => store.projects.communityPage(codes, page),
      (row) => row.community,
      (row) => row.id,
    ),
    communityProjectCount: counts(
      (codes) => store.projects.countByCommunity(codes),
      (row) => row.community,
      (row) => row.count,
    ),
    /** Ids of one page of bids per organisation, and of contracts per supplier: one statement for a whole page of organisations. */
    organizationBidIds: pagedIds(
      new Map(),
      (ids, page) => store.bids.organizationPage(ids, page),
      (row) => row.organizationId,
      (row) => row.id,
    ),
    organizationBidCount: counts(
      (ids) => store.bids.countByOrganization(ids),
      (row) => row.organizationId,
      (row) => row.count,
    ),
    supplierContractIds: pagedIds(
      new Map(),
      (ids, page) => store.contracts.supplierPage(ids, page),
      (row) => row.supplierId,
      (row) => row.id,
    ),
    supplierContractCount: counts(
      (ids) => store.contracts.countBySupplier(ids),
      (row) => row.supplierId,
      (row) => row.count,
    ),
  };
}

export type ProcurementLoaders = ReturnType<typeof createLoaders>;

/** The rows a loadMany found, in order (an id always names a row the same statement just read). */
export function present<T>(rows: readonly (T | null | Error)[]): T[] {
  return rows.filter((row): row is T => row !== null && !(row instanceof Error));
}
