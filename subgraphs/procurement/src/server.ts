import path from 'node:path';
import { notFound } from '../../../lib/kernel/errors';
import { requireUuid } from '../../../lib/kernel/ids';
import { jsonRoute } from '../../../lib/edge/http';
import { buildSubgraphServer, type SubgraphDependencies } from '../../../lib/runtime/subgraph-server';
import { loadProcurementConfig } from './config';
import { createLoaders } from './loaders';
import { partyOrganizations, releasePackage } from './ocds';
import { createRegistry } from './registry';
import { resolvers } from './resolvers';
import { createProcurementStore } from './store/index';

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
      // GET /ocds/releases/{projectId}: the public OCDS package, as ocdsReleasePackage returns it,
      // and refused as it refuses (a malformed id 400, an unknown one 404, in the graph's shape).
      routes: (store) => [
        jsonRoute('/ocds/releases/', async ({ rest }) => {
          const id = requireUuid(rest, 'projectId');
          const record = await store.records.project(id);
          if (!record) throw notFound(`No project ${id}.`);
          // A registry per request, as the graph's loaders are: nothing cached across requests.
          const addresses = await createRegistry(deps.peers).publicAddresses(partyOrganizations(record));
          return { status: 200, body: releasePackage(record, settings, new Date(), addresses) };
        }),
      ],
    },
    deps,
  );
}
