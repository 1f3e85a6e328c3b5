import type { IncomingHttpHeaders } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  context,
  createContextKey,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-node';

/**
 * OpenTelemetry traces, on only when OTEL_EXPORTER_OTLP_ENDPOINT is set: then one SDK per
 * process exports over OTLP/HTTP. Off, the SDK is not even loaded (it takes seconds to import
 * on a busy machine) and the request path skips every tracing step (`tracingOn()` is false),
 * so the cost is one boolean test per request.
 *
 * Spans, by where they are made: the HTTP server span (lib/edge/http.ts, continuing the caller's
 * W3C traceparent), parse and validate (the plugin below), plan, execute and one fetch per
 * subgraph call (@apollo/gateway's own spans, made through the global API), and one span per
 * SQL statement (`prisma:client:db_query`, from Prisma's query interpreter via
 * @prisma/instrumentation, for the pg and PGlite adapters alike). Every span of a request
 * carries its request id and operation name (RequestAttributes below).
 */
export interface Tracing {
  /** Flushes spans not yet exported and unregisters the SDK. */
  shutdown(): Promise<void>;
}

/** Span attributes stamped on every span of a request. */
export const ATTR_REQUEST_ID = 'request.id';
export const ATTR_OPERATION_NAME = 'graphql.operation.name';
/** Which service of the graph made the span: `npm start` runs them all in one process. */
export const ATTR_GRAPH_SERVICE = 'graph.service';

let active = false;

/** Whether a tracing SDK runs in this process. */
export function tracingOn(): boolean {
  return active;
}

/**
 * Starts tracing when `endpoint` (OTEL_EXPORTER_OTLP_ENDPOINT) is set, or `exporter` is given
 * in its place (the benchmark's, which discards spans); otherwise does nothing and returns
 * undefined. `processors` are added beside the export (tests use an in-memory exporter).
 */
export async function startTracing(options: {
  endpoint: string | undefined;
  serviceName: string;
  processors?: SpanProcessor[];
  exporter?: SpanExporter;
}): Promise<Tracing | undefined> {
  if ((!options.endpoint && !options.exporter) || active) return undefined;
  // Claimed before the imports below, so two graphs starting at once do not both register.
  active = true;
  const [
    { OTLPTraceExporter },
    { registerInstrumentations },
    { resourceFromAttributes },
    { BatchSpanProcessor, NodeTracerProvider },
    { ATTR_SERVICE_NAME },
    { PrismaInstrumentation },
  ] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/semantic-conventions'),
    import('@prisma/instrumentation'),
  ]);
  const exporter = options.exporter ?? new OTLPTraceExporter({ url: new URL('v1/traces', options.endpoint!.replace(/\/?$/, '/')).href });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    // RequestAttributes first: processors after it see the attributes it stamps.
    spanProcessors: [new RequestAttributes(), new BatchSpanProcessor(exporter), ...(options.processors ?? [])],
  });
  // Registers the W3C trace-context propagator and the AsyncLocalStorage context manager too.
  provider.register();
  const unregister = registerInstrumentations({ tracerProvider: provider, instrumentations: [new PrismaInstrumentation()] });
  return {
    async shutdown() {
      if (!active) return;
      active = false;
      unregister();
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** What the spans of one request share; the operation name is known once it is parsed. */
interface RequestScope {
  requestId: string;
  service: string;
  operationName?: string;
}

const REQUEST_SCOPE = createContextKey('community-resource-graph request');

/** Copies the request's id and operation name onto every span started inside it. */
class RequestAttributes implements SpanProcessor {
  onStart(span: Span, parent: Context): void {
    const scope = parent.getValue(REQUEST_SCOPE) as RequestScope | undefined;
    if (!scope) return;
    span.setAttribute(ATTR_REQUEST_ID, scope.requestId);
    span.setAttribute(ATTR_GRAPH_SERVICE, scope.service);
    if (scope.operationName) span.setAttribute(ATTR_OPERATION_NAME, scope.operationName);
  }
  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const tracer = trace.getTracer('community-resource-graph');

/**
 * Runs one HTTP request inside a server span that continues the caller's trace (W3C
 * traceparent in `headers`; a fresh trace otherwise). `finish` reports the status code.
 */
export async function withServerSpan<T>(
  request: { method: string; route: string; headers: IncomingHttpHeaders; requestId: string; service: string; operationName?: string },
  work: (finish: (status: number) => void) => Promise<T>,
): Promise<T> {
  // The parent comes from the headers only: in one process the caller's context must not leak in.
  const parent = propagation.extract(ROOT_CONTEXT, request.headers);
  const scope: RequestScope = { requestId: request.requestId, service: request.service, operationName: request.operationName };
  const span = tracer.startSpan(
    `${request.method} ${request.route}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method, 'http.route': request.route },
    },
    parent.setValue(REQUEST_SCOPE, scope),
  );
  const finish = (status: number) => {
    span.setAttribute('http.response.status_code', status);
    if (scope.operationName) span.setAttribute(ATTR_OPERATION_NAME, scope.operationName);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  };
  try {
    return await context.with(trace.setSpan(parent, span).setValue(REQUEST_SCOPE, scope), () => work(finish));
  } finally {
    span.end();
  }
}

/** Names the operation on the spans of the current request that start from now on. */
export function nameOperation(operationName: string | undefined): void {
  const scope = context.active().getValue(REQUEST_SCOPE) as RequestScope | undefined;
  if (scope && operationName) scope.operationName = operationName;
}

/** A span's error status message: what was thrown, as text. */
function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

/** Runs `work` in a client span (a call to another service) when tracing is on. */
export function withClientSpan<T>(name: string, attributes: Record<string, string>, work: () => Promise<T>): Promise<T> {
  if (!active) return work();
  return tracer.startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Writes the current trace context (traceparent) into outgoing headers. */
export function injectTraceContext(headers: { set(name: string, value: string): void }): void {
  propagation.inject(context.active(), headers, { set: (carrier, key, value) => carrier.set(key, value) });
}

/**
 * Spans for parsing and validation (the gateway's own spans cover planning, execution and
 * subgraph fetches), and the resolved operation name for the spans that follow.
 */
export function tracingPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  const phase = (name: string, operationName: string | undefined) => {
    const span = tracer.startSpan(name, { attributes: operationName ? { [ATTR_OPERATION_NAME]: operationName } : {} });
    return async (error?: unknown) => {
      if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) });
      span.end();
    };
  };
  return {
    async requestDidStart() {
      if (!active) return;
      return {
        async parsingDidStart({ request }) {
          return phase('graphql.parse', request.operationName);
        },
        async validationDidStart({ request }) {
          const end = phase('graphql.validate', request.operationName);
          return async (errors?: readonly Error[]) => end(errors?.[0]);
        },
        async didResolveOperation({ operationName, operation }) {
          nameOperation(operationName ?? undefined);
          if (operation) trace.getActiveSpan()?.setAttribute('graphql.operation.type', operation.operation);
        },
      };
    },
  };
}
