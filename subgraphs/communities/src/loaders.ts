import type { Viewer } from '../../../lib/auth';
import { keyedLoader } from '../../../lib/graphql/loaders';
import type { CommunitiesStore } from './store';

export function createLoaders(store: CommunitiesStore, _viewer: Viewer) {
  return {
    area: keyedLoader((codes: readonly string[]) => store.areasByCode(codes), (area) => area.code),
    community: keyedLoader((codes: readonly string[]) => store.communitiesByCode(codes), (community) => community.code),
  };
}

export type CommunitiesLoaders = ReturnType<typeof createLoaders>;
