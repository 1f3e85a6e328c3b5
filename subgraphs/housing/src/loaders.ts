import DataLoader from 'dataloader';
import type { Viewer } from '../../../lib/kernel/auth';
import type { Page } from '../../../lib/runtime/connections';
import { groupedLoader, keyedLoader } from '../../../lib/runtime/loaders';
import type { PeerClient } from '../../../lib/runtime/peers';
import { communityDirectory } from './directory';
import type { PremisesComplianceModel } from './models';
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
    development: keyedLoader(
      (ids: readonly string[]) => store.developments.byId(ids),
      (d) => d.id,
    ),
    premises: keyedLoader(
      (ids: readonly string[]) => store.premises.byId(ids),
      (p) => p.id,
    ),
    lease: keyedLoader(
      (ids: readonly string[]) => store.leases.byId(ids),
      (l) => l.id,
    ),
    premisesOfDevelopment: groupedLoader(
      (ids: readonly string[]) => store.premises.ofDevelopments(ids),
      (p) => p.developmentId,
    ),
    signOffs: groupedLoader(
      (ids: readonly string[]) => store.premises.signOffs(ids),
      (s) => s.premisesId,
    ),
    inspections: groupedLoader(
      (ids: readonly string[]) => store.inspections.ofPremises(ids),
      (i) => i.premisesId,
    ),
    inspectionSignatures: groupedLoader(
      (ids: readonly string[]) => store.inspections.signatures(ids),
      (s) => s.inspectionId,
    ),
    buyback: keyedLoader(
      (ids: readonly string[]) => store.buybacks.ofPremises(ids),
      (b) => b.premisesId,
    ),
    auditTrail: groupedLoader(
      (ids: readonly string[]) => store.premises.auditTrails(ids),
      (e) => e.entityId,
    ),
    developmentIdsOfDeveloper: pagedLoaders((owners, page) => store.developments.idsOfDevelopers(owners, page)),
    developmentCountOfDeveloper: countLoader((keys) => store.developments.countOfDevelopers(keys)),
    premisesIdsOfCommunity: pagedLoaders((owners, page) => store.premises.idsOfCommunities(owners, page)),
    premisesCountOfCommunity: countLoader((keys) => store.premises.countOfCommunities(keys)),
    leaseIdsOfCommunity: pagedLoaders((owners, page) => store.leases.idsOfCommunities(owners, page)),
    leaseCountOfCommunity: countLoader((keys) => store.leases.countOfCommunities(keys)),
    /** Compliance of every community in the request at once; households come with the reference. */
    compliance: new DataLoader<{ code: string; households: number }, PremisesComplianceModel | null, string>(
      async (communities) => {
        const { rows } = await store.compliance.ofCommunities(communities, { belowOnly: false });
        const byCode = new Map(rows.map((row) => [row.communityCode, row]));
        return communities.map((c) => byCode.get(c.code) ?? null);
      },
      { cacheKeyFn: (c) => `${c.code}/${c.households}` },
    ),
  };
}

export type HousingLoaders = ReturnType<typeof createLoaders>;
