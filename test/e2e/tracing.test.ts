import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { closeServer } from '../../lib/edge/http';
import { ATTR_GRAPH_SERVICE, ATTR_OPERATION_NAME, ATTR_REQUEST_ID, tracingOn } from '../../lib/edge/tracing';
import { startTestGraph, type TestGraph } from '../support/graph';
import { tokenFor } from '../support/tokens';

/**
 * Traces through the real gateway and subgraphs: an in-memory exporter beside the OTLP export
 * (to a stand-in collector on port 0) records every span the graph makes.
 */

/** Receives OTLP/HTTP JSON exports and keeps the trace ids of the spans in them. */
async function startCollector() {
  const traceIds = new Set<string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: { scopeSpans: { spans: { traceId: string }[] }[] }[];
        };
        for (const resource of body.resourceSpans)
          for (const scope of resource.scopeSpans) for (const span of scope.spans) traceIds.add(span.traceId);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, traceIds, close: () => closeServer(server) };
}

/** The spans of one request, once its root span (the gateway's server span) has ended. */
async function spansOf(memory: InMemorySpanExporter, requestId: string): Promise<ReadableSpan[]> {
  const mine = () => memory.getFinishedSpans().filter((s) => s.attributes[ATTR_REQUEST_ID] === requestId);
  // The server span ends just after the response is written; wait for it, not for a time.
  for (let i = 0; i < 100 && !mine().some((s) => s.name === 'POST /graphql' && s.attributes[ATTR_GRAPH_SERVICE] === 'gateway'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return mine();
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

/** The chain of span names from `span` up to its root, within `spans`. */
function ancestry(span: ReadableSpan, spans: ReadableSpan[]): string[] {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const chain: string[] = [];
  for (let at: ReadableSpan | undefined = span; at; at = byId.get(parentOf(at) ?? '')) {
    chain.push(`${String(at.attributes[ATTR_GRAPH_SERVICE])}:${at.name}`);
  }
  return chain;
}

describe('tracing on (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  const memory = new InMemorySpanExporter();
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let graph: TestGraph | undefined;
  let firstTraceId = '';

  beforeAll(async () => {
    collector = await startCollector();
    graph = await startTestGraph({
      seed: true,
      config: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url },
      spanProcessors: [new SimpleSpanProcessor(memory)],
    });
  });
  afterAll(async () => {
    await graph?.stop();
    await collector?.close();
  });

  test('one cross-subgraph request makes one trace, from the gateway through each subgraph fetch down to every SQL statement', async () => {
    memory.reset();
    const statementsBefore = graph!.statements.length;
    const response = await graph!.request(
      'query TraceProbe($c: AreaCode!) { community(code: $c) { name premisesCompliance { shortfall } } }',
      {
        variables: { c: '510104001001' },
        headers: { 'x-request-id': 'trace-probe-1' },
      },
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data?.community).toBeTruthy();
    const spans = await spansOf(memory, 'trace-probe-1');
    const statements = graph!.statements.length - statementsBefore;

    const traceIds = new Set(spans.map((s) => s.spanContext().traceId));
    expect(traceIds.size).toBe(1);
    firstTraceId = [...traceIds][0]!;
    // Every span of that trace carries the request id (none escaped the filter above).
    expect(memory.getFinishedSpans().filter((s) => s.spanContext().traceId === firstTraceId)).toHaveLength(spans.length);

    const roots = spans.filter((s) => parentOf(s) === undefined);
    expect(roots.map((s) => `${String(s.attributes[ATTR_GRAPH_SERVICE])}:${s.name}`)).toEqual(['gateway:POST /graphql']);
    expect(roots[0]!.attributes[ATTR_OPERATION_NAME]).toBe('TraceProbe');
    expect(roots[0]!.attributes['http.response.status_code']).toBe(200);

    const gatewaySpans = spans.filter((s) => s.attributes[ATTR_GRAPH_SERVICE] === 'gateway').map((s) => s.name);
    for (const name of ['graphql.parse', 'graphql.validate', 'gateway.plan', 'gateway.fetch']) expect(gatewaySpans).toContain(name);
    const fetches = spans.filter((s) => s.name === 'gateway.fetch');
    expect(fetches.map((s) => s.attributes.service).sort()).toEqual(['communities', 'housing']);
    expect(spans.find((s) => s.name === 'gateway.plan')!.attributes[ATTR_OPERATION_NAME]).toBe('TraceProbe');

    // Each subgraph continued the trace under the gateway's fetch span (W3C traceparent).
    for (const subgraph of ['communities', 'housing']) {
      const server = spans.filter((s) => s.name === 'POST /graphql' && s.attributes[ATTR_GRAPH_SERVICE] === subgraph);
      expect(server).toHaveLength(1);
      const parent = spans.find((s) => s.spanContext().spanId === parentOf(server[0]!));
      expect(parent?.name).toBe('gateway.fetch');
      expect(parent?.attributes.service).toBe(subgraph);
      expect(server[0]!.attributes[ATTR_OPERATION_NAME]).toMatch(/^TraceProbe/);
    }

    // One span per SQL statement, each under its subgraph's server span, in the same trace.
    const sql = spans.filter((s) => s.name === 'prisma:client:db_query');
    expect(sql).toHaveLength(statements);
    expect(new Set(sql.map((s) => s.attributes[ATTR_GRAPH_SERVICE]))).toEqual(new Set(['communities', 'housing']));
    for (const span of sql) {
      expect(typeof span.attributes['db.query.text']).toBe('string');
      const chain = ancestry(span, spans);
      expect(chain.at(-1)).toBe('gateway:POST /graphql');
      expect(chain).toContain(`${String(span.attributes[ATTR_GRAPH_SERVICE])}:POST /graphql`);
      expect(chain).toContain('gateway:gateway.fetch');
    }
  });

  test('a subgraph asking a peer (lib/runtime/peers.ts) carries the trace on to it', async () => {
    memory.reset();
    const token = await tokenFor({ roles: ['CITY_ADMIN'], area: '510100000000' });
    const response = await graph!.request('query Shortfall { premisesShortfall(within: "510104000000", first: 2) { totalCount } }', {
      token,
      headers: { 'x-request-id': 'trace-probe-peer' },
    });
    expect(response.body.errors).toBeUndefined();
    const spans = await spansOf(memory, 'trace-probe-peer');
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    const communities = spans.find((s) => s.name === 'POST /graphql' && s.attributes[ATTR_GRAPH_SERVICE] === 'communities');
    expect(communities).toBeDefined();
    expect(ancestry(communities!, spans)).toEqual([
      'communities:POST /graphql',
      'housing:peer communities',
      'housing:POST /graphql',
      'gateway:gateway.fetch',
      ...ancestry(
        spans.find((s) => s.name === 'gateway.fetch')!,
        spans,
      ).slice(1),
    ]);
    const sql = spans.filter((s) => s.name === 'prisma:client:db_query' && s.attributes[ATTR_GRAPH_SERVICE] === 'communities');
    expect(sql.length).toBeGreaterThan(0);
  });

  test('the spans leave over OTLP to the configured endpoint', async () => {
    // Stopping the graph flushes the batch exporter.
    await graph!.stop();
    graph = undefined;
    expect(tracingOn()).toBe(false);
    expect(collector.traceIds).toContain(firstTraceId);
  });
});

describe('tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT) and METRICS=off', () => {
  const memory = new InMemorySpanExporter();
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph({ config: { METRICS: 'off' }, spanProcessors: [new SimpleSpanProcessor(memory)] });
  });
  afterAll(async () => {
    await graph?.stop();
  });

  test('no SDK starts and no span is recorded', async () => {
    const statementsBefore = graph.statements.length;
    const response = await graph.request('query Untraced { community(code: "510104001001") { name } }');
    expect(response.body.errors).toBeUndefined();
    expect(graph.statements.length).toBeGreaterThan(statementsBefore);
    expect(tracingOn()).toBe(false);
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
    expect(memory.getFinishedSpans()).toHaveLength(0);
  });

  test('no /metrics is served', async () => {
    for (const url of [graph.gatewayUrl, graph.subgraphUrls.communities!]) {
      expect((await fetch(url.replace(/\/graphql$/, '/metrics'))).status).toBe(404);
    }
  });
});
