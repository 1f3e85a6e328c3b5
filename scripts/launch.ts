import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { createGatewayServer, type GatewayServer } from '../gateway/src/server';
import type { Config } from '../lib/runtime/config';
import { migrate, type Database, type OnQuery } from '../lib/runtime/db';
import { listen } from '../lib/edge/http';
import { serviceLog, type Logger } from '../lib/runtime/log';
import { createPeerClient } from '../lib/runtime/peers';
import { createVerifier, openConfiguredDatabase } from '../lib/runtime/process';
import type { SubgraphServer } from '../lib/runtime/subgraph-server';
import { startTracing } from '../lib/edge/tracing';
import { seedDemoData } from '../seed';
import type { SubgraphDefinition } from '../subgraphs';
import { loadSubgraphs, migrationTimelines } from './subgraph-code';

export interface RunningGraph {
  gatewayUrl: string;
  subgraphUrls: Record<string, string>;
  database: Database;
  subgraphs: SubgraphServer<unknown>[];
  gateway: GatewayServer;
  stop(): Promise<void>;
}

/**
 * Starts the whole graph in one process: migrate, seed (optional, idempotent), every subgraph on
 * its port, then the gateway pointed at them. `npm start` and the end-to-end tests use it.
 */
export async function launchGraph(options: {
  config: Config;
  log: Logger;
  subgraphs: readonly SubgraphDefinition[];
  database?: Database;
  seed?: boolean;
  onQuery?: OnQuery;
  /** Span processors beside the OTLP export when tracing is on (tests, the benchmark). */
  spanProcessors?: SpanProcessor[];
  /** Replaces the OTLP export and turns tracing on (the benchmark's span sink). */
  spanExporter?: SpanExporter;
}): Promise<RunningGraph> {
  const { config, log } = options;
  const tracing = await startTracing({
    endpoint: config.tracing.endpoint,
    serviceName: config.tracing.serviceName ?? 'community-resource-graph',
    processors: options.spanProcessors,
    exporter: options.spanExporter,
  });
  const database = options.database ?? (await openConfiguredDatabase(config));
  const started: SubgraphServer<unknown>[] = [];
  let gateway: GatewayServer | undefined;
  const stop = async () => {
    await gateway?.close();
    // In parallel: each may wait out its connections' grace period, five in a row took too long.
    await Promise.all(started.map((server) => server.close()));
    if (!options.database) await database.close();
    await tracing?.shutdown();
  };
  try {
    const { applied } = await migrate(database, migrationTimelines(options.subgraphs));
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
    const loaded = await loadSubgraphs(options.subgraphs);
    if (options.seed) await seedDemoData(database, loaded);
    const verifyToken = await createVerifier(config);
    const subgraphUrls: Record<string, string> = {};
    const peers = createPeerClient((name) => subgraphUrls[name] ?? config.subgraphUrls[name], config.subgraphTimeoutMs);
    for (const subgraph of loaded) {
      const server = await subgraph.createServer({
        config,
        database,
        verifyToken,
        log: serviceLog(log, subgraph.name),
        onQuery: options.onQuery,
        peers,
      });
      started.push(server);
      const port = await listen(server.http, config.subgraphPorts[subgraph.name] ?? 0, config.host, subgraph.name);
      subgraphUrls[subgraph.name] = `http://${config.host}:${port}/graphql`;
    }
    gateway = await createGatewayServer({ config, verifyToken, log: serviceLog(log, 'gateway'), subgraphUrls });
    const port = await listen(gateway.http, config.gatewayPort, config.host, 'gateway');
    return { gatewayUrl: `http://${config.host}:${port}/graphql`, subgraphUrls, database, subgraphs: started, gateway, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
