import { loadConfig } from './config';
import { listen } from '../edge/http';
import { createPeerClient } from './peers';
import { createVerifier, failStartup, onShutdown, openConfiguredDatabase, serviceLogger } from './process';
import { startTracing } from '../edge/tracing';
import type { SubgraphDependencies, SubgraphServer } from './subgraph-server';

/**
 * Runs one subgraph on its own (its src/index.ts, `npm run start:subgraph -- NAME`, a container),
 * against DATABASE_URL or the embedded database. Migrations are `npm run migrate`'s job.
 */
export function runSubgraph<Context>(
  subgraph: {
    name: string;
    createServer: (deps: SubgraphDependencies) => Promise<SubgraphServer<Context>>;
  },
  /** Every subgraph's default port (its own too), so peers are found at <NAME>_URL or 127.0.0.1:<port>. */
  defaults: Record<string, number>,
): void {
  const { name, createServer } = subgraph;
  (async () => {
    const config = loadConfig(process.env, defaults);
    const log = serviceLogger(config, name);
    const tracing = await startTracing({ endpoint: config.tracing.endpoint, serviceName: config.tracing.serviceName ?? name });
    const database = await openConfiguredDatabase(config);
    const peers = createPeerClient(
      (peer) => config.subgraphUrls[peer] ?? `http://127.0.0.1:${config.subgraphPorts[peer]}/graphql`,
      config.subgraphTimeoutMs,
    );
    const server = await createServer({ config, database, verifyToken: await createVerifier(config), log, peers });
    const port = await listen(server.http, config.subgraphPorts[name] ?? 0, config.host, name);
    log.info({ url: `http://${config.host}:${port}/graphql` }, `${name} subgraph listening`);
    onShutdown(log, async () => {
      await server.close();
      await database.close();
      await tracing?.shutdown();
    });
  })().catch(failStartup);
}
