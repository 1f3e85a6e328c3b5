import path from 'node:path';
import type { Session } from '../lib/db';
import type { SubgraphDependencies, SubgraphServer } from '../lib/subgraph';

/** What running a subgraph needs: its server factory and its share of the demo city. */
export interface SubgraphImplementation {
  createServer: (deps: SubgraphDependencies) => Promise<SubgraphServer<unknown>>;
  /** Writes the subgraph's share of the demo city; must be idempotent. */
  seed?: (session: Session) => Promise<void>;
}

/**
 * The one list of subgraphs. The launcher, the composition, docker-compose's test and the
 * end-to-end harness all read it: adding a subgraph is one entry here. The list is data; a
 * subgraph's code (server, store, generated Prisma client, seed) is imported only by `load`,
 * so a deployable that does not run a subgraph never loads it (the gateway loads none).
 */
export interface SubgraphDefinition {
  name: string;
  /** Default port; `<NAME>_PORT` overrides it. */
  port: number;
  sdlPath: string;
  load(): Promise<SubgraphImplementation>;
}

export const subgraphs: SubgraphDefinition[] = [
  {
    name: 'communities',
    port: 4001,
    sdlPath: path.join(__dirname, 'communities/schema.graphql'),
    load: async () => ({
      createServer: (await import('./communities/src/server.js')).createCommunitiesServer as SubgraphImplementation['createServer'],
      seed: (await import('../prisma/seed/communities.js')).seedCommunities,
    }),
  },
  {
    name: 'organizations',
    port: 4002,
    sdlPath: path.join(__dirname, 'organizations/schema.graphql'),
    load: async () => ({
      createServer: (await import('./organizations/src/server.js')).createOrganizationsServer as SubgraphImplementation['createServer'],
      seed: (await import('../prisma/seed/organizations.js')).seedOrganizations,
    }),
  },
  {
    name: 'housing',
    port: 4003,
    sdlPath: path.join(__dirname, 'housing/schema.graphql'),
    load: async () => ({
      createServer: (await import('./housing/src/server.js')).createHousingServer as SubgraphImplementation['createServer'],
      seed: (await import('../prisma/seed/housing.js')).seedHousing,
    }),
  },
  {
    name: 'procurement',
    port: 4004,
    sdlPath: path.join(__dirname, 'procurement/schema.graphql'),
    load: async () => ({
      createServer: (await import('./procurement/src/server.js')).createProcurementServer as SubgraphImplementation['createServer'],
      seed: (await import('../prisma/seed/procurement.js')).seedProcurement,
    }),
  },
  {
    name: 'facilities',
    port: 4005,
    sdlPath: path.join(__dirname, 'facilities/schema.graphql'),
    load: async () => ({
      createServer: (await import('./facilities/src/server.js')).createFacilitiesServer as SubgraphImplementation['createServer'],
      seed: (await import('../prisma/seed/facilities.js')).seedFacilities,
    }),
  },
];

export function subgraphDefaults(): Record<string, number> {
  return Object.fromEntries(subgraphs.map((s) => [s.name, s.port]));
}

/** Loads the code of the listed subgraphs (all by default), each with its name. */
export async function loadSubgraphs(
  list: readonly SubgraphDefinition[] = subgraphs,
): Promise<(SubgraphImplementation & { name: string })[]> {
  return Promise.all(list.map(async (definition) => ({ name: definition.name, ...(await definition.load()) })));
}
