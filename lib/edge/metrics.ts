import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics for one service (`GET /metrics`), with prom-client. Names follow
 * OpenTelemetry's semantic conventions where they exist (http.server.request.duration,
 * db.client.connection.count, graphql.operation.*), in Prometheus form (dots to underscores,
 * unit suffix); the rest are named in the same style.
 */
export interface Metrics {
  registry: Registry;
  /** One HTTP request served. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** One call from the gateway to a subgraph. */
  observeSubgraphFetch(subgraph: string, outcome: 'ok' | 'error', seconds: number): void;
  /** Records operations by name and outcome and errors by code. */
  plugin<C extends BaseContext>(): ApolloServerPlugin<C>;
}

const MAX_OPERATION_NAMES = 500;
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(service: string, pool?: () => { max: number; total: number; idle: number; waiting: number }): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  // Process figures, event-loop lag (nodejs_eventloop_lag_*) and garbage collection included.
  collectDefaultMetrics({ register: registry });

  const requestDuration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests.',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const operations = new Counter({
    name: 'graphql_server_operations_total',
    help: 'GraphQL operations by name, type and outcome (success, error: errors in the response).',
    labelNames: ['graphql_operation_name', 'graphql_operation_type', 'outcome'],
    registers: [registry],
  });
  const operationDuration = new Histogram({
    name: 'graphql_server_operation_duration_seconds',
    help: 'Duration of GraphQL operations, parse to response.',
    labelNames: ['graphql_operation_name', 'graphql_operation_type'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'graphql_server_errors_total',
    help: 'GraphQL errors in responses, by extensions.code.',
    labelNames: ['error_type'],
    registers: [registry],
  });
  const subgraphFetch = new Histogram({
    name: 'graphql_gateway_subgraph_fetch_duration_seconds',
    help: 'Duration of the gateway calls to each subgraph.',
    labelNames: ['subgraph_name', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  if (pool) {
    // OpenTelemetry's database client metrics: connections by db.client.connection.state
    // (idle, used), the pool's ceiling, and callers waiting for a connection.
    new Gauge({
      name: 'db_client_connection_count',
      help: 'Database pool connections by state (idle, used).',
      labelNames: ['db_client_connection_state'],
      registers: [registry],
      collect() {
        const stats = pool();
        this.set({ db_client_connection_state: 'idle' }, stats.idle);
        this.set({ db_client_connection_state: 'used' }, stats.total - stats.idle);
      },
    });
    new Gauge({
      name: 'db_client_connection_max',
      help: 'The most connections the pool may open.',
      registers: [registry],
      collect() {
        this.set(pool().max);
      },
    });
    new Gauge({
      name: 'db_client_connection_pending_requests',
      help: 'Callers waiting for a pool connection.',
      registers: [registry],
      collect() {
        this.set(pool().waiting);
      },
    });
  }

  return {
    registry,
    observeRequest(method, route, status, seconds) {
      requestDuration.observe({ http_request_method: method, http_route: route, http_response_status_code: String(status) }, seconds);
    },
    observeSubgraphFetch(subgraph, outcome, seconds) {
      subgraphFetch.observe({ subgraph_name: subgraph, outcome }, seconds);
    },
    plugin<C extends BaseContext>(): ApolloServerPlugin<C> {
      // Operation names come from clients: bound the label's values, or one client could grow
      // the registry without limit.
      const seen = new Set<string>();
      const label = (name: string | null | undefined) => {
        if (!name) return 'anonymous';
        if (seen.has(name)) return name;
        if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) || seen.size >= MAX_OPERATION_NAMES) return 'other';
        seen.add(name);
        return name;
      };
      return {
        async requestDidStart() {
          const started = process.hrtime.bigint();
          return {
            async willSendResponse({ response, operation, operationName }) {
              const name = label(operationName);
              const type = operation?.operation ?? 'unknown';
              const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
              const codes = (body?.errors ?? []).map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : 'UNKNOWN'));
              operations.inc({ graphql_operation_name: name, graphql_operation_type: type, outcome: codes.length ? 'error' : 'success' });
              operationDuration.observe(
                { graphql_operation_name: name, graphql_operation_type: type },
                Number(process.hrtime.bigint() - started) / 1e9,
              );
              for (const code of codes) errors.inc({ error_type: code });
            },
          };
        },
      };
    },
  };
}
