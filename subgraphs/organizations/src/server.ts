import path from 'node:path';
import { buildSubgraphServer, type SubgraphDependencies } from '../../../lib/runtime/subgraph-server';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';
import { CreditCode } from './scalars';
import { createOrganizationsStore } from './store';

export const SDL_PATH = path.resolve(__dirname, '../schema.graphql');

/** Builds the organizations subgraph (no listening: see index.ts). */
export function createOrganizationsServer(deps: SubgraphDependencies) {
  return buildSubgraphServer(
    {
      name: 'organizations',
      sdlPath: SDL_PATH,
      resolvers,
      scalars: { CreditCode },
      createStore: (database, onQuery) => createOrganizationsStore(database, onQuery, deps.config.timeZone),
      createLoaders,
    },
    deps,
  );
}
