import fs from 'node:fs';
import path from 'node:path';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { VerifyToken, Viewer } from '../../lib/kernel/auth';
import type { Config } from '../../lib/runtime/config';
import { fieldPrices } from '../../lib/edge/cost';
import { errorsPlugin, formatError } from '../../lib/edge/error-masking';
import { inputPlugin } from '../../lib/runtime/input';
import { queryLimits } from '../../lib/edge/limits';
import { closeServer, createGraphQLHttpServer } from '../../lib/edge/http';
import { createHttpClient, type HttpClient } from '../../lib/runtime/http-client';
import { operationNamePlugin, type Logger } from '../../lib/runtime/log';
import { createMetrics, type Metrics } from '../../lib/edge/metrics';
import { createRateLimiter } from '../../lib/edge/rate-limit';
import { injectTraceContext, tracingPlugin } from '../../lib/edge/tracing';
import { readManifest, trustedDocuments } from '../../lib/edge/trusted-documents';
import { mergeInflight, mergedCounter, type InflightStats } from './inflight';
import { forwardToSubgraph } from './subgraph-headers';
import { currentBudget, RequestBudget, requestBudgetPlugin, withBudget } from './request-budget';
import { OutageReportingDataSource, refusedCredentials } from './outage';

export const SUPERGRAPH_PATH = path.resolve(__dirname, '../../schema/supergraph.graphql');

export interface GatewayContext {
  requestId: string;
  /** The peer address: the rate-limit key for anonymous callers. */
  clientAddress: string | undefined;
  /** Forwarded unchanged: every subgraph verifies the token again. */
  authorization: string | undefined;
  viewer: Viewer;
  log: Logger;
  /** The caller's Idempotency-Key, passed to the subgraphs (lib/runtime/idempotency.ts). */
  idempotencyKey: string | undefined;
  /** Epoch milliseconds: when the request as a whole is out of time (REQUEST_TIMEOUT_MS). */
  deadline: number;
  /** The request's time and answer bytes, shared by all its subgraph fetches (request-budget.ts). */
  budget: RequestBudget;
}

export interface GatewayDependencies {
  config: Config;
  verifyToken: VerifyToken;
  log: Logger;
  /** Where each subgraph answers, by name. */
  subgraphUrls: Record<string, string>;
  supergraphSdl?: string;
}

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

/**
 * The subgraph fetch with a deadline: a subgraph that does not answer in time fails this request
 * with SERVICE_UNAVAILABLE (details in the log) instead of holding the client forever.
 */
function fetcherWithDeadline(client: HttpClient, name: string, timeoutMs: number, log: Logger, metrics: Metrics | undefined): Fetcher {
  return async (url, init) => {
    const started = performance.now();
    // A fetch never outlives its request's deadline, and its bytes count towards the request's.
    const budget = currentBudget();
    try {
      const request = {
        method: init?.method,
        headers: init?.headers,
        body: init?.body as string | undefined,
        signal: budget?.signal,
        onData: budget ? (bytes: number) => budget.count(bytes) : undefined,
      };
      const response = (await client.request(
        url,
        request,
        Math.min(timeoutMs, budget?.remainingMs() ?? timeoutMs),
      )) as unknown as FetcherResponse;
      metrics?.observeSubgraphFetch(name, response.ok ? 'ok' : 'error', (performance.now() - started) / 1000);
      return response;
    } catch (error) {
      metrics?.observeSubgraphFetch(name, 'error', (performance.now() - started) / 1000);
      // The request's own budget ran out (request-budget.ts answers for it): not the subgraph's fault.
      if (budget?.exceeded) log.warn({ subgraph: name, url, exceeded: budget.exceeded }, 'subgraph fetch aborted: request budget spent');
      else log.error({ err: error, subgraph: name, url, timeoutMs }, 'subgraph unreachable');
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new GraphQLError(
        timedOut
          ? `Part of the graph (${name}) did not answer within ${timeoutMs} ms; try again.`
          : `Part of the graph (${name}) is unavailable; try again.`,
        { extensions: { code: 'SERVICE_UNAVAILABLE' } },
      );
    }
  };
}

/**
 * Forwards the caller's token, the request id, the trace context (inside the gateway's fetch
 * span), the deadline and the idempotency key to a subgraph, and relays its refusals.
 */
class SubgraphDataSource extends OutageReportingDataSource<GatewayContext> {
  constructor(
    options: ConstructorParameters<typeof OutageReportingDataSource<GatewayContext>>[0],
    private readonly fetchTimeoutMs: number,
  ) {
    super(options);
  }

  /** Runs the fetch inside its request's budget, where the fetcher finds it. */
  override process(options: Parameters<OutageReportingDataSource<GatewayContext>['process']>[0]) {
    return withBudget((options.context as Partial<GatewayContext> | undefined)?.budget, () => super.process(options));
  }

  override willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]) {
    const ctx = context as Partial<GatewayContext>;
    if (ctx.authorization) request.http?.headers.set('authorization', ctx.authorization);
    if (ctx.requestId) request.http?.headers.set('x-request-id', ctx.requestId);
    if (request.http) {
      injectTraceContext(request.http.headers);
      forwardToSubgraph(request.http.headers, ctx, this.fetchTimeoutMs);
    }
  }

  /**
   * A subgraph answers a rejected variable (an invalid AreaCode, say) with HTTP 400 and a
   * BAD_USER_INPUT error naming the field. Pass that error on as it is, instead of the default
   * "400: Bad Request" that would also echo the subgraph's response body to the client.
   */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]) {
    const refused = refusedCredentials(response, this.subgraph, this.log);
    if (refused) return refused;
    const body = (await this.parseBody(response).catch(() => undefined)) as { errors?: GraphQLFormattedError[] } | undefined;
    const first = body?.errors?.[0];
    if (first && typeof first.extensions?.code === 'string') {
      return new GraphQLError(first.message, { extensions: { ...first.extensions } });
    }
    return new GraphQLError(`Subgraph answered ${response.status}.`, { extensions: { code: 'SUBGRAPH_FAILED' } });
  }
}

/** Builds the gateway over the checked-in supergraph (no listening: see index.ts). */
export async function createGatewayServer(deps: GatewayDependencies) {
  const { config, log } = deps;
  const supergraphSdl = deps.supergraphSdl ?? fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
  const metrics = config.metrics ? createMetrics('gateway') : undefined;
  const inflight: InflightStats = { sent: 0, merged: 0 };
  const merged = metrics ? mergedCounter(metrics.registry) : undefined;
  const subgraphClient = createHttpClient();
  // Apollo's gateway reports usage to Apollo (and probes cloud metadata addresses) unless told
  // not to: a city's graph calls no one it was not configured to call.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger: log,
    buildService: ({ name, url }) => {
      const target = deps.subgraphUrls[name] ?? url;
      if (!target) throw new Error(`No URL for subgraph ${name}.`);
      const fetcher = fetcherWithDeadline(subgraphClient, name, config.subgraphTimeoutMs, log, metrics);
      return new SubgraphDataSource(
        { url: target, fetcher: mergeInflight(fetcher, name, inflight, merged), subgraph: name, log },
        config.subgraphTimeoutMs,
      );
    },
  });

  // Priced from the cost directives the supergraph keeps, as every subgraph prices from its own SDL.
  const prices = fieldPrices(supergraphSdl);
  const limits = queryLimits<GatewayContext>(config.limits, prices);
  const rateLimiter = config.rateLimit.points > 0 ? await createRateLimiter(config.rateLimit, config.limits, prices) : undefined;
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    includeStacktraceInErrorResponses: false,
    introspection: config.introspection,
    csrfPrevention: true,
    logger: log,
    // The launcher and index.ts own SIGINT/SIGTERM and stop everything in order.
    stopOnTerminationSignals: false,
    plugins: [
      inputPlugin<GatewayContext>(),
      ...limits.plugins,
      ...(rateLimiter ? [rateLimiter.plugin<GatewayContext>()] : []),
      ...(metrics ? [metrics.plugin<GatewayContext>()] : []),
      tracingPlugin<GatewayContext>(),
      operationNamePlugin<GatewayContext>(),
      requestBudgetPlugin<GatewayContext>(config),
      errorsPlugin<GatewayContext>(),
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();

  const server = await createGraphQLHttpServer<GatewayContext>({
    apollo,
    log,
    service: 'gateway',
    bodyLimitBytes: config.bodyLimitBytes,
    maxResponseBytes: config.maxResponseBytes,
    corsOrigins: config.corsOrigins,
    metrics,
    explorer: config.explorer,
    documents: trustedDocuments(
      config.trustedDocuments.mode,
      config.trustedDocuments.mode === 'off' ? undefined : readManifest(config.trustedDocuments.manifest),
    ),
    // A bad token fails here, with 401, before the operation is planned.
    context: async ({ headers, requestId, clientAddress }) => {
      const budget = new RequestBudget(config.requestTimeoutMs, config.maxResponseBytes);
      return {
        requestId,
        clientAddress,
        authorization: headers.authorization,
        // Passed on as sent: each subgraph checks it (a malformed key is refused there, with 400).
        idempotencyKey: typeof headers['idempotency-key'] === 'string' ? headers['idempotency-key'] : undefined,
        viewer: await deps.verifyToken(headers.authorization),
        log: log.child({ requestId }),
        deadline: budget.deadline,
        budget,
      };
    },
    readiness: async () => {
      try {
        await gateway.serviceHealthCheck();
        return { ready: true, detail: { subgraphs: Object.keys(deps.subgraphUrls) } };
      } catch (error) {
        return { ready: false, detail: { reason: error instanceof Error ? error.message : String(error) } };
      }
    },
  });

  return {
    apollo,
    http: server,
    inflight,
    async close() {
      await closeServer(server);
      await apollo.stop();
      subgraphClient.close();
      await rateLimiter?.close();
    },
  };
}

export type GatewayServer = Awaited<ReturnType<typeof createGatewayServer>>;
