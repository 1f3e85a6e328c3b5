import DataLoader from 'dataloader';
import type { Viewer } from '../../../lib/kernel/auth';
import type { Page } from '../../../lib/runtime/connections';
import { groupedLoader, keyedLoader } from '../../../lib/runtime/loaders';
import type { AreaModel, CommunitiesWithAreas, CommunityFilter, CommunityModel } from './models';
import type { CommunitiesStore } from './store';

type AreaPage = Page<(string | number)[]>;

export function createLoaders(store: CommunitiesStore, _viewer: Viewer) {
  // Children pages are batched per distinct page request (first/after), across parents.
  const childrenByPage = new Map<string, DataLoader<string, AreaModel[]>>();
  const area = keyedLoader(
    (codes: readonly string[]) => store.areas.byCodes(codes),
    (row: AreaModel) => row.code,
  );
  const community = keyedLoader(
    async (codes: readonly string[]) => remember(await store.communities.byCodes(codes)),
    (row: CommunityModel) => row.code,
  );
  /** Keeps the communities read and the areas above them, so the request's later lookups (street, district, ancestors) cost nothing. */
  function remember({ communities, areas }: CommunitiesWithAreas): CommunityModel[] {
    for (const row of areas) area.prime(row.code, row);
    for (const row of communities) community.prime(row.code, row);
    return communities;
  }
  return {
    area,
    community,
    communityPage: async (filter: CommunityFilter, page: AreaPage) => remember(await store.communities.page(filter, page)),
    children(parentCode: string, page: AreaPage): Promise<AreaModel[]> {
      const key = JSON.stringify([page.first, page.after ?? null]);
      let loader = childrenByPage.get(key);
      if (!loader) {
        loader = groupedLoader(
          (parents: readonly string[]) => store.areas.childrenPages(parents, page),
          (row) => row.parentCode!,
        );
        childrenByPage.set(key, loader);
      }
      return loader.load(parentCode);
    },
    childCount: new DataLoader(async (parents: readonly string[]) => {
      const counts = await store.areas.countChildren(parents);
      return parents.map((parent) => counts.get(parent) ?? 0);
    }),
  };
}

export type CommunitiesLoaders = ReturnType<typeof createLoaders>;
