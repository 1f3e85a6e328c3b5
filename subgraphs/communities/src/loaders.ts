import DataLoader from 'dataloader';
import type { Viewer } from '../../../lib/auth';
import type { Page } from '../../../lib/graphql/connections';
import { groupedLoader, keyedLoader } from '../../../lib/graphql/loaders';
import type { AreaModel } from './models';
import type { CommunitiesStore } from './store';

type AreaPage = Page<(string | number)[]>;

export function createLoaders(store: CommunitiesStore, _viewer: Viewer) {
  // Children pages are batched per distinct page request (first/after), across parents.
  const childrenByPage = new Map<string, DataLoader<string, AreaModel[]>>();
  return {
    area: keyedLoader((codes: readonly string[]) => store.areasByCode(codes), (area) => area.code),
    community: keyedLoader((codes: readonly string[]) => store.communitiesByCode(codes), (community) => community.code),
    children(parentCode: string, page: AreaPage): Promise<AreaModel[]> {
      const key = JSON.stringify([page.first, page.after ?? null]);
      let loader = childrenByPage.get(key);
      if (!loader) {
        loader = groupedLoader((parents: readonly string[]) => store.childrenPages(parents, page), (row) => row.parentCode!);
        childrenByPage.set(key, loader);
      }
      return loader.load(parentCode);
    },
    childCount: new DataLoader(async (parents: readonly string[]) => {
      const counts = await store.countChildren(parents);
      return parents.map((parent) => counts.get(parent) ?? 0);
    }),
  };
}

export type CommunitiesLoaders = ReturnType<typeof createLoaders>;
