import { loadSubgraph } from '../../scripts/subgraph-code';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { ANONYMOUS, type Viewer } from '../../lib/kernel/auth';
import { loadConfig, type Config } from '../../lib/runtime/config';
import type { Database } from '../../lib/runtime/db';
import { createLogger } from '../../lib/runtime/log';
import { createPeerClient } from '../../lib/runtime/peers';
import { createVerifier } from '../../lib/runtime/process';
import type { SubgraphServer } from '../../lib/runtime/subgraph-server';
import { launchGraph, type RunningGraph } from '../../scripts/launch';
import { subgraphDefaults, subgraphs } from '../../subgraphs';
import { createTestDatabase, dropTestDatabase } from './database';
import { TEST_SECRET } from './tokens';

/** Configuration for test services: the test secret, every port 0 (free), quiet logs. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  const ports = Object.fromEntries(subgraphs.map((s) => [`${s.name.toUpperCase()}_PORT`, '0']));
  return loadConfig(
    // Rate limits are off unless a test turns them on: suites send many requests from one address.
    { NODE_ENV: 'test', LOG_LEVEL: 'silent', JWT_SECRET: TEST_SECRET, GATEWAY_PORT: '0', RATE_LIMIT_POINTS: '0', ...ports, ...overrides },
    subgraphDefaults(),
  );
}

export interface GraphResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
}

export interface TestGraph extends RunningGraph {
  /** POSTs an operation to the gateway. */
  request<T = Record<string, any>>(
    query: string,
    options?: { variables?: Record<string, unknown>; token?: string; headers?: Record<string, string> },
  ): Promise<GraphResponse<T>>;
  /** Every SQL statement the subgraphs sent since the graph started (or the last reset). */
  statements: string[];
  /** The same statements with their parameters as Prisma logs them (a JSON array); tests that reset `statements` leave it. */
  statementLog: { sql: string; params: string }[];
}

/**
 * The real graph for an end-to-end test: a fresh migrated database, every subgraph and the
 * gateway on port 0. `stop()` closes them and drops the database.
 */
export async function startTestGraph(
  options: { seed?: boolean; config?: Record<string, string>; spanProcessors?: SpanProcessor[] } = {},
): Promise<TestGraph> {
  const database = await createTestDatabase();
  const statements: string[] = [];
  const statementLog: { sql: string; params: string }[] = [];
  let graph: RunningGraph;
  try {
    graph = await launchGraph({
      config: testConfig(options.config),
      log: createLogger('silent', 'test'),
      subgraphs,
      database,
      seed: options.seed ?? false,
      onQuery: (sql, params) => {
        statements.push(sql);
        statementLog.push({ sql, params });
      },
      spanProcessors: options.spanProcessors,
    });
  } catch (error) {
    await dropTestDatabase(database);
    throw error;
  }
  return {
    ...graph,
    statements,
    statementLog,
    async stop() {
      await graph.stop();
      await dropTestDatabase(database);
    },
    async request(query, { variables, token, headers } = {}) {
      const response = await fetch(graph.gatewayUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as GraphResponse['body'] as never };
    },
  };
}

export interface TestSubgraph {
  server: SubgraphServer<any>;
  database: Database;
  statements: string[];
  /** Runs an operation in-process through Apollo's executeOperation with the given caller. */
  execute<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    caller?: Viewer,
  ): Promise<{
    data?: T | null;
    errors?: readonly { message: string; extensions?: Record<string, unknown>; path?: readonly (string | number)[] }[];
  }>;
  close(): Promise<void>;
}

/** One subgraph built (not listening) on a fresh database, for executeOperation tests. */
export async function buildTestSubgraph(
  name: string,
  options: { database?: Database; peerUrls?: Record<string, string> } = {},
): Promise<TestSubgraph> {
  const definition = subgraphs.find((s) => s.name === name);
  if (!definition) throw new Error(`No subgraph ${name} in the list.`);
  const database = options.database ?? (await createTestDatabase());
  const statements: string[] = [];
  const config = testConfig();
  const server = await (
    await loadSubgraph(definition.name)
  ).createServer({
    config,
    database,
    verifyToken: await createVerifier(config),
    log: createLogger('silent', name),
    onQuery: (sql) => statements.push(sql),
    peers: createPeerClient((peer) => options.peerUrls?.[peer], config.subgraphTimeoutMs),
  });
  return {
    server,
    database,
    statements,
    async execute(query, variables, caller = ANONYMOUS) {
      const response = await server.apollo.executeOperation({ query, variables }, { contextValue: server.context(caller) as never });
      if (response.body.kind !== 'single') throw new Error('Expected a single result.');
      return response.body.singleResult as never;
    },
    async close() {
      await server.close();
      if (!options.database) await dropTestDatabase(database);
    },
  };
}
