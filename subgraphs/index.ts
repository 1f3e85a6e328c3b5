import path from 'node:path';

/**
 * The one list of subgraphs, pure data: the gateway, the composition, the deployment files and
 * the launcher read it, and it imports no subgraph's code. Loading a subgraph's server or seed
 * is the launcher's job (scripts/subgraph-code.ts); a subgraph's own entry (src/index.ts)
 * imports its own server.
 */
export interface SubgraphDefinition {
  name: string;
  /** Default port; `<NAME>_PORT` overrides it. */
  port: number;
  sdlPath: string;
  /** Its own migration timeline, recorded in its own schema's `_prisma_migrations`. */
  migrations: { dir: string; schema: string };
}

function subgraph(name: string, port: number): SubgraphDefinition {
  const folder = path.join(__dirname, name);
  return {
    name,
    port,
    sdlPath: path.join(folder, 'schema.graphql'),
    migrations: { dir: path.join(folder, 'prisma/migrations'), schema: name },
  };
}

export const subgraphs: SubgraphDefinition[] = [
  subgraph('communities', 4001),
  subgraph('organizations', 4002),
  subgraph('housing', 4003),
  subgraph('procurement', 4004),
  subgraph('facilities', 4005),
];

export function subgraphDefaults(): Record<string, number> {
  return Object.fromEntries(subgraphs.map((s) => [s.name, s.port]));
}
