import path from 'node:path';
import { buildSubgraphServer, type SubgraphDependencies } from '../../../lib/runtime/subgraph-server';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';
import { createCommunitiesStore } from './store';

export const SDL_PATH = path.resolve(__dirname, '../schema.graphql');

/** Builds the communities subgraph (no listening: see index.ts). */
export function createCommunitiesServer(deps: SubgraphDependencies) {
  return buildSubgraphServer(
    {
      name: 'communities',
      sdlPath: SDL_PATH,
      resolvers,
      createStore: createCommunitiesStore,
      createLoaders,
    },
    deps,
  );
}
