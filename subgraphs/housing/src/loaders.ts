import DataLoader from 'dataloader';
import type { Viewer } from '../../../lib/auth';
import type { Page } from '../../../lib/graphql/connections';
import { groupedLoader, keyedLoader } from '../../../lib/graphql/loaders';
import type { PeerClient } from '../../../lib/peers';
import { communityDirectory } from './directory';
import type { HousingStore } from './store';

type PageKey = Page<(string | number)[]>;

/**
 * A loader per distinct page arguments of a nested list (Community.premises, …), so every
 * parent asked for with the same arguments shares one statement.
 */
function pagedLoaders(fetch: (owners: readonly string[], page: PageKey) => Promise<{ owner: string; id: string }[]>) {
  const byPage = new Map<string, DataLoader<string, string[]>>();
  return (page: PageKey) => {
    const key = JSON.stringify(page);
    let loader = byPage.get(key);
    if (!loader) {
      loader = new DataLoader<string, string[]>(async (owners) => {
        const ids = new Map(owners.map((owner) => [owner, [] as string[]]));
        for (const row of await fetch(owners, page)) ids.get(row.owner)?.push(row.id);
        return owners.map((owner) => ids.get(owner)!);
      });
      byPage.set(key, loader);
    }
    return loader;
  };
}

function countLoader(fetch: (keys: readonly string[]) => Promise<{ key: string; count: number }[]>) {
  return new DataLoader<string, number>(async (keys) => {
    const counts = new Map((await fetch(keys)).map((row) => [row.key, row.count]));
    return keys.map((key) => counts.get(key) ?? 0);
  });
}

export function createLoaders(store: HousingStore, _viewer: Viewer, peers: PeerClient) {
  return {
    /** Per request, like the loaders, so its cache never outlives a request. */
    communities: communityDirectory(peers),
    peers,
    development: keyedLoader((ids: readonly string[]) => store.developmentsById(ids), (d) => d.id),
    premises: keyedLoader((ids: readonly string[]) => store.premisesById(ids), (p) => p.id),
    lease: keyedLoader((ids: readonly string[]) => store.leasesById(ids), (l) => l.id),
    premisesOfDevelopment: groupedLoader((ids: readonly string[]) => store.premisesOfDevelopments(ids), (p) => p.developmentId),
    signOffs: groupedLoader((ids: readonly string[]) => store.signOffs(ids), (s) => s.premisesId),
    inspections: groupedLoader((ids: readonly string[]) => store.inspections(ids), (i) => i.premisesId),
    inspectionSignatures: groupedLoader((ids: readonly string[]) => store.inspectionSignatures(ids), (s) => s.inspectionId),
    buyback: keyedLoader((ids: readonly string[]) => store.buybacks(ids), (b) => b.premisesId),
    auditTrail: groupedLoader((ids: readonly string[]) => store.auditTrails(ids), (e) => e.entityId),
    developmentIdsOfDeveloper: pagedLoaders((owners, page) => store.developmentIdsOfDevelopers(owners, page)),
    developmentCountOfDeveloper: countLoader((keys) => store.countDevelopmentsOfDevelopers(keys)),
    premisesIdsOfCommunity: pagedLoaders((owners, page) => store.premisesIdsOfCommunities(owners, page)),
    premisesCountOfCommunity: countLoader((keys) => store.countPremisesOfCommunities(keys)),
    leaseIdsOfCommunity: pagedLoaders((owners, page) => store.leaseIdsOfCommunities(owners, page)),
    leaseCountOfCommunity: countLoader((keys) => store.countLeasesOfCommunities(keys)),
    /** Compliance of every community in the request at once; households come with the reference. */
    compliance: new DataLoader<{ code: string; households: number }, Awaited<ReturnType<HousingStore['compliance']>>['rows'][number] | null, string>(
      async (communities) => {
        const { rows } = await store.compliance(communities, { belowOnly: false });
        const byCode = new Map(rows.map((row) => [row.communityCode, row]));
        return communities.map((c) => byCode.get(c.code) ?? null);
      },
      { cacheKeyFn: (c) => `${c.code}/${c.households}` },
    ),
  };
}

export type HousingLoaders = ReturnType<typeof createLoaders>;
