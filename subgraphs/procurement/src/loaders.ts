import DataLoader from 'dataloader';
import type { Viewer } from '../../../lib/auth';
import type { Page } from '../../../lib/graphql/connections';
import { groupedLoader, keyedLoader } from '../../../lib/graphql/loaders';
import type { PeerClient } from '../../../lib/peers';
import type { ProcurementConfig } from './config';
import { createRegistry } from './registry';
import type { ProcurementStore } from './store';

export function createLoaders(store: ProcurementStore, _viewer: Viewer, peers: PeerClient, settings: ProcurementConfig) {
  const communityPages = new Map<string, DataLoader<string, string[]>>();
  return {
    settings,
    registry: createRegistry(peers),
    catalogueItem: keyedLoader((codes: readonly string[]) => store.catalogueItems(codes), (item) => item.code),
    budgetLine: keyedLoader((ids: readonly string[]) => store.budgetLinesById(ids), (line) => line.id),
    project: keyedLoader((ids: readonly string[]) => store.projectsById(ids), (project) => project.id),
    projectCommunities: groupedLoader((ids: readonly string[]) => store.projectCommunities(ids), (row) => row.projectId),
    projectTargets: groupedLoader((ids: readonly string[]) => store.projectTargets(ids), (row) => row.projectId),
    tender: keyedLoader((ids: readonly string[]) => store.tendersById(ids), (tender) => tender.id),
    projectTenders: groupedLoader((ids: readonly string[]) => store.tendersByProject(ids), (tender) => tender.projectId),
    bid: keyedLoader((ids: readonly string[]) => store.bidsById(ids), (bid) => bid.id),
    tenderBids: groupedLoader((ids: readonly string[]) => store.bidsByTender(ids), (bid) => bid.tenderId),
    liveBidCount: new DataLoader<string, number>(async (ids) => {
      const counts = new Map((await store.liveBidCounts(ids)).map((row) => [row.tenderId, row.count]));
      return ids.map((id) => counts.get(id) ?? 0);
    }),
    tenderObjections: groupedLoader((ids: readonly string[]) => store.objectionsByTender(ids), (row) => row.tenderId),
    contract: keyedLoader((ids: readonly string[]) => store.contractsById(ids), (contract) => contract.id),
    projectContract: keyedLoader((ids: readonly string[]) => store.contractsByProject(ids), (contract) => contract.projectId),
    milestone: keyedLoader((ids: readonly string[]) => store.milestonesById(ids), (milestone) => milestone.id),
    contractMilestones: groupedLoader((ids: readonly string[]) => store.milestonesByContract(ids), (row) => row.contractId),
    contractPayments: groupedLoader((ids: readonly string[]) => store.paymentsByContract(ids), (row) => row.contractId),
    contractSupplements: groupedLoader((ids: readonly string[]) => store.supplementsByContract(ids), (row) => row.contractId),
    contractEvaluation: keyedLoader((ids: readonly string[]) => store.evaluationsByContract(ids), (row) => row.contractId),
    supplierPerformance: groupedLoader((ids: readonly string[]) => store.completedEvaluationsBySupplier(ids), (row) => row.supplierId),

    /** Ids of one page of projects per community, shared by every community asked with the same arguments. */
    communityProjectIds(page: Page<(string | number)[]>): DataLoader<string, string[]> {
      const key = JSON.stringify([page.first, page.after ?? null]);
      let loader = communityPages.get(key);
      if (!loader) {
        loader = new DataLoader<string, string[]>(async (codes) => {
          const byCommunity = new Map<string, string[]>(codes.map((code) => [code, []]));
          for (const row of await store.communityProjectIds(codes, page)) byCommunity.get(row.community)?.push(row.id);
          return codes.map((code) => byCommunity.get(code)!);
        });
        communityPages.set(key, loader);
      }
      return loader;
    },
    communityProjectCount: new DataLoader<string, number>(async (codes) => {
      const counts = new Map((await store.countCommunityProjects(codes)).map((row) => [row.community, row.count]));
      return codes.map((code) => counts.get(code) ?? 0);
    }),
  };
}

export type ProcurementLoaders = ReturnType<typeof createLoaders>;
