import fs from 'node:fs';
import type http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type DocumentNode, type GraphQLScalarType } from 'graphql';
import type { VerifyToken, Viewer } from '../kernel/auth';
import type { Config } from './config';
import { runInScope, type Database, type OnQuery, type WorkScope } from './db';
import { errorsPlugin, formatError } from '../edge/error-masking';
import { inputPlugin } from './input';
import { enforceListSizes, fieldPrices } from '../edge/cost';
import { queryLimits } from '../edge/limits';
import { scalarsFor } from '../kernel/scalars';
import { closeServer, createGraphQLHttpServer, type HttpRoute } from '../edge/http';
import { idempotencyClaim } from './idempotency';
import { createMetrics } from '../edge/metrics';
import { operationNamePlugin, type Logger } from './log';
import type { PeerClient } from './peers';
import { tracingPlugin } from '../edge/tracing';

/** What every subgraph is built from; the launcher, gateway tests and CLI pass the same. */
export interface SubgraphDependencies {
  config: Config;
  database: Database;
  verifyToken: VerifyToken;
  log: Logger;
  /** Called with every SQL statement Prisma sends (tests count them). */
  onQuery?: OnQuery;
  /** Asks another subgraph (by name) for its public data; see lib/runtime/peers.ts. */
  peers: PeerClient;
}

/** The context every resolver receives. */
export interface SubgraphContext<Store, Loaders> {
  requestId: string;
  viewer: Viewer;
  log: Logger;
  store: Store;
  /** Created per request, so batching and caching never leak between callers. */
  loaders: Loaders;
}

export interface ClosableStore {
  close(): Promise<void>;
}

export interface SubgraphModule<Store extends ClosableStore, Loaders> {
  name: string;
  sdlPath: string;
  /** The subgraph's resolvers, typed by its own generated `Resolvers` (one object per type). */
  resolvers: object;
  /** Domain scalars only this subgraph declares (e.g. CreditCode). */
  scalars?: Record<string, GraphQLScalarType>;
  createStore(database: Database, onQuery?: OnQuery): Store;
  createLoaders(store: Store, viewer: Viewer): Loaders;
  /** Plain HTTP routes beside GraphQL (e.g. calendar feeds), served by the subgraph's server. */
  routes?: (store: Store) => readonly HttpRoute[];
}

export interface SubgraphServer<C = unknown> {
  name: string;
  typeDefs: DocumentNode;
  apollo: ApolloServer<C & SubgraphContext<ClosableStore, unknown>>;
  /** Builds a context as the HTTP layer does (for executeOperation tests). */
  context(viewer: Viewer, requestId?: string): C;
  /** Created, not listening: index.ts or the launcher listens. */
  http: http.Server;
  close(): Promise<void>;
}

/**
 * When this request's work must be over: the gateway's `x-request-deadline` (epoch ms), never
 * later than this subgraph's own limit (SUBGRAPH_TIMEOUT_MS from now), which also applies to a
 * caller that sends none.
 */
export function requestDeadline(headers: http.IncomingHttpHeaders, maxMs: number): number {
  const limit = Date.now() + maxMs;
  const sent = Number(headers['x-request-deadline']);
  return Number.isFinite(sent) && sent > 0 ? Math.min(sent, limit) : limit;
}

export function readTypeDefs(sdlPath: string): DocumentNode {
  return parse(fs.readFileSync(sdlPath, 'utf8'));
}

/** Builds a subgraph: schema, Apollo Server (started), store, per-request context, HTTP server. */
export async function buildSubgraphServer<Store extends ClosableStore, Loaders>(
  module: SubgraphModule<Store, Loaders>,
  deps: SubgraphDependencies,
): Promise<SubgraphServer<SubgraphContext<Store, Loaders>>> {
  type Context = SubgraphContext<Store, Loaders>;
  const typeDefs = readTypeDefs(module.sdlPath);
  const log = deps.log.child({ subgraph: module.name });
  const prices = fieldPrices(typeDefs);
  // Every list is held to the size its @listSize declares, the size it is priced at.
  const schema = enforceListSizes(
    buildSubgraphSchema([
      { typeDefs, resolvers: { ...scalarsFor(typeDefs, module.scalars), ...module.resolvers } as GraphQLResolverMap<unknown> },
    ]),
    prices,
    (field, rows, size) => log.warn({ field, rows, size }, 'list cut at its declared size'),
  );
  const store = module.createStore(deps.database, deps.onQuery);
  // The same limits as the gateway: a subgraph can be reached without it.
  const limits = queryLimits<Context>(deps.config.limits, prices);
  const metrics = deps.config.metrics ? createMetrics(module.name, deps.database.poolStats) : undefined;
  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    includeStacktraceInErrorResponses: false,
    introspection: deps.config.introspection,
    logger: log,
    // The launcher and index.ts own SIGINT/SIGTERM and stop everything in order.
    stopOnTerminationSignals: false,
    // No cache hints or Apollo Studio traces are used: skip their per-field instrumentation.
    plugins: [
      inputPlugin<Context>(),
      ...limits.plugins,
      ...(metrics ? [metrics.plugin<Context>()] : []),
      tracingPlugin<Context>(),
      operationNamePlugin<Context>(),
      errorsPlugin<Context>(),
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
    ],
  });
  await apollo.start();

  // Each request's deadline and idempotency key, beside its context (lib/runtime/db/scope.ts).
  const scopes = new WeakMap<Context, Omit<WorkScope, 'transactions'>>();
  const context = (viewer: Viewer, requestId = 'local'): Context => ({
    requestId,
    viewer,
    log: log.child({ requestId }),
    store,
    loaders: module.createLoaders(store, viewer),
  });

  const server = await createGraphQLHttpServer<Context>({
    apollo,
    log,
    service: module.name,
    bodyLimitBytes: deps.config.bodyLimitBytes,
    maxResponseBytes: deps.config.maxResponseBytes,
    metrics,
    routes: module.routes?.(store),
    context: async ({ headers, body, requestId, clientAddress }) => {
      const viewer = await deps.verifyToken(headers.authorization);
      const built = context(viewer, requestId);
      const caller = viewer.anonymous ? `anonymous@${clientAddress ?? ''}` : viewer.id;
      scopes.set(built, {
        deadline: requestDeadline(headers, deps.config.subgraphTimeoutMs),
        idempotency: idempotencyClaim({ headers, body, caller }, deps.config.idempotencyTtlSeconds),
      });
      return built;
    },
    around: (built, execute) => runInScope(scopes.get(built)!, execute),
    readiness: async () => {
      try {
        await deps.database.query('SELECT 1');
        return { ready: true };
      } catch {
        return { ready: false, detail: { database: 'unreachable' } };
      }
    },
  });

  return {
    name: module.name,
    typeDefs,
    apollo: apollo,
    context,
    http: server,
    async close() {
      await closeServer(server);
      await apollo.stop();
      await store.close();
    },
  };
}
