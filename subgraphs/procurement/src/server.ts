import path from 'node:path';
import { jsonRoute } from '../../../lib/http';
import { buildSubgraphServer, type SubgraphDependencies } from '../../../lib/subgraph';
import { loadProcurementConfig } from './config';
import { createLoaders } from './loaders';
import { releasePackage } from './ocds';
import { resolvers } from './resolvers';
import { isUuid } from './rules';
import { createProcurementStore } from './store';

export const SDL_PATH = path.resolve(__dirname, '../schema.graphql');

/** Builds the procurement subgraph (no listening: see index.ts). */
export function createProcurementServer(deps: SubgraphDependencies) {
  const settings = loadProcurementConfig(deps.config.env, deps.config.timeZone);
  return buildSubgraphServer(
    {
      name: 'procurement',
      sdlPath: SDL_PATH,
      resolvers,
      createStore: createProcurementStore,
      createLoaders: (store, viewer) => createLoaders(store, viewer, deps.peers, settings),
      // GET /ocds/releases/{projectId}: the public OCDS package, as ocdsReleasePackage returns it.
      routes: (store) => [
        jsonRoute('/ocds/releases/', async ({ rest, requestId }) => {
          const notFound = { status: 404, body: { error: `No project ${rest}.`, requestId } };
          if (!isUuid(rest)) return notFound;
          const record = await store.projectRecord(rest.toLowerCase());
          return record ? { status: 200, body: releasePackage(record, settings) } : notFound;
        }),
      ],
    },
    deps,
  );
}
