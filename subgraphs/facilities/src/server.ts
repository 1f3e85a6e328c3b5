import path from 'node:path';
import { buildSubgraphServer, type SubgraphDependencies } from '../../../lib/runtime/subgraph-server';
import { calendarRoutes } from './calendars';
import { loadFacilitiesConfig } from './config';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';
import { createFacilitiesStore } from './store';

export const SDL_PATH = path.resolve(__dirname, '../schema.graphql');

/** Builds the facilities subgraph (no listening: see index.ts); it also serves the calendar feeds. */
export function createFacilitiesServer(deps: SubgraphDependencies) {
  const config = loadFacilitiesConfig(deps.config);
  return buildSubgraphServer(
    {
      name: 'facilities',
      sdlPath: SDL_PATH,
      resolvers,
      createStore: (database, onQuery) => createFacilitiesStore(database, onQuery, config),
      createLoaders,
      routes: (store) => calendarRoutes(store, config),
    },
    deps,
  );
}
