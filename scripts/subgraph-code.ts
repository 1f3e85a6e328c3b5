/**
 * What the launcher loads for each subgraph of the list (subgraphs/index.ts): its server and its
 * share of the demo city, imported only when that subgraph runs, and the migration timelines of
 * a database that holds the listed subgraphs.
 */
import { DATABASE_TIMELINE, type MigrationTimeline, type Session } from '../lib/runtime/db';
import type { SubgraphDependencies, SubgraphServer } from '../lib/runtime/subgraph-server';
import { subgraphs, type SubgraphDefinition } from '../subgraphs';

export interface SubgraphCode {
  createServer: (deps: SubgraphDependencies) => Promise<SubgraphServer<unknown>>;
  /** Writes the subgraph's share of the demo city; idempotent. */
  seed: (session: Session) => Promise<void>;
}

type CreateServer = SubgraphCode['createServer'];

const code: Record<string, () => Promise<SubgraphCode>> = {
  communities: async () => ({
    createServer: (await import('../subgraphs/communities/src/server.js')).createCommunitiesServer as CreateServer,
    seed: (await import('../subgraphs/communities/prisma/seed.js')).seedCommunities,
  }),
  organizations: async () => ({
    createServer: (await import('../subgraphs/organizations/src/server.js')).createOrganizationsServer as CreateServer,
    seed: (await import('../subgraphs/organizations/prisma/seed.js')).seedOrganizations,
  }),
  housing: async () => ({
    createServer: (await import('../subgraphs/housing/src/server.js')).createHousingServer as CreateServer,
    seed: (await import('../subgraphs/housing/prisma/seed.js')).seedHousing,
  }),
  procurement: async () => ({
    createServer: (await import('../subgraphs/procurement/src/server.js')).createProcurementServer as CreateServer,
    seed: (await import('../subgraphs/procurement/prisma/seed.js')).seedProcurement,
  }),
  facilities: async () => ({
    createServer: (await import('../subgraphs/facilities/src/server.js')).createFacilitiesServer as CreateServer,
    seed: (await import('../subgraphs/facilities/prisma/seed.js')).seedFacilities,
  }),
};

/** Every name in the list, for the test that keeps this table and the list in step. */
export const subgraphsWithCode = Object.keys(code);

/** Loads one subgraph's code. */
export async function loadSubgraph(name: string): Promise<SubgraphCode & { name: string }> {
  const load = code[name];
  if (!load) throw new Error(`No code for subgraph ${name}: add it to scripts/subgraph-code.ts.`);
  return { name, ...(await load()) };
}

/** Loads the code of the listed subgraphs (all by default). */
export function loadSubgraphs(list: readonly SubgraphDefinition[] = subgraphs): Promise<(SubgraphCode & { name: string })[]> {
  return Promise.all(list.map((definition) => loadSubgraph(definition.name)));
}

/** The database-wide timeline, then each listed subgraph's. */
export function migrationTimelines(list: readonly SubgraphDefinition[] = subgraphs): MigrationTimeline[] {
  return [DATABASE_TIMELINE, ...list.map((definition) => definition.migrations)];
}
