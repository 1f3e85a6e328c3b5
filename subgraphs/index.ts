import path from 'node:path';
import type { Session } from '../lib/db';
import type { SubgraphDependencies, SubgraphServer } from '../lib/subgraph';
import { seedCommunities } from '../prisma/seed/communities';
import { seedOrganizations } from '../prisma/seed/organizations';
import { createCommunitiesServer } from './communities/src/server';
import { createOrganizationsServer } from './organizations/src/server';

/**
 * The one list of subgraphs. The launcher, the composition, docker-compose's test and the
 * end-to-end harness all read it: adding a subgraph is one entry here.
 */
export interface SubgraphDefinition {
  name: string;
  /** Default port; `<NAME>_PORT` overrides it. */
  port: number;
  sdlPath: string;
  createServer: (deps: SubgraphDependencies) => Promise<SubgraphServer<unknown>>;
  /** Writes the subgraph's share of the demo city; must be idempotent. */
  seed?: (session: Session) => Promise<void>;
}

export const subgraphs: SubgraphDefinition[] = [
  {
    name: 'communities',
    port: 4001,
    sdlPath: path.join(__dirname, 'communities/schema.graphql'),
    createServer: createCommunitiesServer as SubgraphDefinition['createServer'],
    seed: seedCommunities,
  },
  {
    name: 'organizations',
    port: 4002,
    sdlPath: path.join(__dirname, 'organizations/schema.graphql'),
    createServer: createOrganizationsServer as SubgraphDefinition['createServer'],
    seed: seedOrganizations,
  },
];

export function subgraphDefaults(): Record<string, number> {
  return Object.fromEntries(subgraphs.map((s) => [s.name, s.port]));
}
