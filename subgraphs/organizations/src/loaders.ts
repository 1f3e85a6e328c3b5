import DataLoader from 'dataloader';
import type { Viewer } from '../../../lib/kernel/auth';
import type { Page } from '../../../lib/runtime/connections';
import { groupedLoader, keyedLoader } from '../../../lib/runtime/loaders';
import type { OrganizationsStore } from './store';

export function createLoaders(store: OrganizationsStore, _viewer: Viewer) {
  // Community.organizations pages: one loader per distinct (first, after), so every community
  // asked for with the same arguments shares one statement.
  const communityPages = new Map<string, DataLoader<string, string[]>>();

  return {
    organization: keyedLoader(
      (ids: readonly string[]) => store.organizations.byIds(ids),
      (organization) => organization.id,
    ),
    organizationByCreditCode: keyedLoader(
      (codes: readonly string[]) => store.organizations.byCreditCodes(codes),
      (organization) => organization.creditCode!,
    ),
    serviceAreaCodes: groupedLoader(
      (ids: readonly string[]) => store.serviceAreas.ofOrganizations(ids),
      (area) => area.organizationId,
    ),
    statusHistory: groupedLoader(
      (ids: readonly string[]) => store.statusChanges.ofOrganizations(ids),
      (change) => change.organizationId,
    ),
    annualReports: groupedLoader(
      (ids: readonly string[]) => store.annualReports.ofOrganizations(ids),
      (report) => report.organizationId,
    ),
    listEntries: groupedLoader(
      (ids: readonly string[]) => store.listEntries.ofOrganizations(ids),
      (entry) => entry.organizationId,
    ),
    listEntry: keyedLoader(
      (ids: readonly string[]) => store.listEntries.byIds(ids),
      (entry) => entry.id,
    ),
    penalties: groupedLoader(
      (ids: readonly string[]) => store.penalties.ofOrganizations(ids),
      (penalty) => penalty.organizationId,
    ),
    annualInspections: groupedLoader(
      (ids: readonly string[]) => store.annualInspections.ofOrganizations(ids),
      (inspection) => inspection.organizationId,
    ),

    /** The ids of one page (first + 1 rows) of the active organisations serving a community. */
    communityOrganizationIds(page: Page<(string | number)[]>): DataLoader<string, string[]> {
      const key = JSON.stringify([page.first, page.after ?? null]);
      let loader = communityPages.get(key);
      if (!loader) {
        loader = new DataLoader<string, string[]>(async (codes) => {
          const byCommunity = new Map<string, string[]>(codes.map((code) => [code, []]));
          for (const row of await store.serviceAreas.organizationIdsServing(codes, page)) byCommunity.get(row.community)?.push(row.id);
          return codes.map((code) => byCommunity.get(code)!);
        });
        communityPages.set(key, loader);
      }
      return loader;
    },

    communityOrganizationCount: new DataLoader<string, number>(async (codes) => {
      const counts = new Map((await store.serviceAreas.countServing(codes)).map((row) => [row.community, row.count]));
      return codes.map((code) => counts.get(code) ?? 0);
    }),
  };
}

export type OrganizationsLoaders = ReturnType<typeof createLoaders>;
