import path from 'node:path';
import { buildSubgraphServer, type SubgraphDependencies } from '../../../lib/runtime/subgraph-server';
import { loadHousingConfig } from './config';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';
import { createHousingStore } from './store';

export const SDL_PATH = path.resolve(__dirname, '../schema.graphql');

/** Builds the housing subgraph (no listening: see index.ts). */
export async function createHousingServer(deps: SubgraphDependencies) {
  const config = loadHousingConfig(deps.config.env);
  return buildSubgraphServer(
    {
      name: 'housing',
      sdlPath: SDL_PATH,
      resolvers,
      createStore: (database, onQuery) => createHousingStore(database, onQuery, deps.config.timeZone, config),
      createLoaders: (store, viewer) => createLoaders(store, viewer, deps.peers),
    },
    deps,
  );
}
