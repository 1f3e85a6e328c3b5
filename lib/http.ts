import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { LOOPBACK_ORIGINS } from './config';
import { serveExplorer } from './explorer';
import type { Logger } from './log';
import type { Metrics } from './metrics';
import { nameOperation, tracingOn, withServerSpan } from './tracing';
import type { TrustedDocuments } from './trusted-documents';

export interface ReadinessCheck {
  ready: boolean;
  detail?: Record<string, unknown>;
}

/** A plain HTTP route beside GraphQL (e.g. a calendar feed); matched by method and path prefix. */
export interface HttpRoute {
  method: 'GET';
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/**
 * A JSON GET endpoint beside GraphQL (a subgraph's export format, such as OCDS): it gets the
 * rest of the path after its prefix, the caller's headers and the request id, and answers a
 * status and a body.
 */
export function jsonRoute(
  prefix: string,
  answer: (request: { rest: string; headers: IncomingMessage['headers']; requestId: string }) => Promise<{ status: number; body: unknown }>,
): HttpRoute {
  return {
    method: 'GET',
    prefix,
    async handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const { status, body } = await answer({ rest: url.pathname.slice(prefix.length), headers: req.headers, requestId: String(res.getHeader('x-request-id')) });
      sendJson(res, status, body);
    },
  };
}

export interface GraphQLHttpOptions<C extends BaseContext> {
  apollo: ApolloServer<C>;
  /** Builds the per-request context; may throw a GraphQLError (e.g. a bad token → 401). */
  context: (request: { headers: IncomingMessage['headers']; requestId: string; clientAddress: string | undefined }) => Promise<C>;
  bodyLimitBytes: number;
  /** Responses above this size are replaced by a RESPONSE_TOO_LARGE error (the last guard). */
  maxResponseBytes: number;
  /** Origins browsers may call from (CORS); absent or empty: none. */
  corsOrigins?: string[];
  /** Served at `/metrics` and fed with every request. */
  metrics?: Metrics;
  /** Registered operations, resolved (and unregistered ones refused) before GraphQL parses. */
  documents?: TrustedDocuments;
  /** Serve GraphiQL at `/` to browsers (lib/explorer.ts). */
  explorer?: boolean;
  log: Logger;
  /** The service's name in traces (gateway or a subgraph's name). */
  service: string;
  /** `/ready`: whether this service can answer queries now. */
  readiness?: () => Promise<ReadinessCheck>;
  /** Extra routes a service serves outside GraphQL; errors in them are masked like any other. */
  routes?: readonly HttpRoute[];
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        // Stop keeping the body but let the socket live long enough to answer 413 (destroying
        // it here reset the connection before the answer); the answer closes the connection.
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function errorBody(message: string, code: string, requestId: string) {
  return { errors: [{ message, extensions: { code, requestId } }] };
}

/**
 * Serves an Apollo Server over node:http: `/graphql` (and `/`), `/health` (alive) and `/ready`,
 * with a request-body limit, a request id on every response, and one log line per request.
 */
export function createGraphQLHttpServer<C extends BaseContext>(options: GraphQLHttpOptions<C>): http.Server {
  const { apollo, log } = options;
  return http.createServer((req, res) => {
    const requestId = headerValue(req.headers['x-request-id']) ?? randomUUID();
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!tracingOn()) return void handle(req, res, requestId, url);
    const request = { method: req.method ?? 'GET', route: routeOf(url.pathname), headers: req.headers, requestId, service: options.service };
    void withServerSpan(request, async (finish) => {
      await handle(req, res, requestId, url);
      finish(res.statusCode);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string, url: URL): Promise<void> {
    const started = process.hrtime.bigint();
    res.setHeader('x-request-id', requestId);
    let operationName: string | undefined;
    try {
      if (applyCors(req, res, options.corsOrigins ?? [])) return;
      if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok' });
      if (options.explorer && req.method === 'GET' && serveExplorer(url.pathname, req.headers.accept, res)) return;
      if (url.pathname === '/metrics' && options.metrics) {
        res.writeHead(200, { 'content-type': options.metrics.registry.contentType });
        res.end(await options.metrics.registry.metrics());
        return;
      }
      if (url.pathname === '/ready') {
        const check = options.readiness ? await options.readiness() : { ready: true };
        return sendJson(res, check.ready ? 200 : 503, { status: check.ready ? 'ready' : 'not ready', ...check.detail });
      }
      const route = options.routes?.find((r) => r.method === req.method && url.pathname.startsWith(r.prefix));
      if (route) return await route.handle(req, res);
      if (url.pathname !== '/graphql' && url.pathname !== '/') {
        return sendJson(res, 404, errorBody(`No route ${url.pathname}; GraphQL is at /graphql.`, 'NOT_FOUND', requestId));
      }
      let body: unknown;
      if (req.method === 'POST') {
        const raw = await readBody(req, options.bodyLimitBytes);
        try {
          body = raw === '' ? {} : JSON.parse(raw);
        } catch {
          return sendJson(res, 400, errorBody('The request body is not valid JSON.', 'BAD_REQUEST', requestId));
        }
        operationName = (body as { operationName?: string } | null)?.operationName ?? undefined;
        nameOperation(operationName);
      }
      if (options.documents && options.documents.mode !== 'off') {
        try {
          if (req.method !== 'POST') throw new GraphQLError('Registered operations are sent with POST.', { extensions: { code: 'OPERATION_NOT_REGISTERED' } });
          if (body && typeof body === 'object' && !Array.isArray(body)) {
            const resolved = options.documents.resolve(body as Record<string, unknown>);
            body = resolved.body;
            if (resolved.unregistered) log.info({ requestId, operationName, documentHash: resolved.unregistered }, 'unregistered operation');
          }
        } catch (error) {
          if (!(error instanceof GraphQLError)) throw error;
          return sendJson(res, 400, errorBody(error.message, String(error.extensions.code), requestId));
        }
      }
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      // The caller is known before Apollo sees the request: a bad token is 401 before parsing
      // or planning, with the request id like every other error.
      let contextValue: C;
      try {
        if (headerCount(req, 'authorization') > 1) {
          throw new GraphQLError('Send one Authorization header, not several.', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
        }
        contextValue = await options.context({ headers: req.headers, requestId, clientAddress: req.socket.remoteAddress });
      } catch (error) {
        const status = (error as GraphQLError).extensions?.http as { status?: number } | undefined;
        if (!(error instanceof GraphQLError) || !status?.status) throw error;
        return sendJson(res, status.status, errorBody(error.message, String(error.extensions.code), requestId));
      }
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: async () => contextValue,
      });
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') {
        if (Buffer.byteLength(response.body.string) > options.maxResponseBytes) {
          log.warn({ requestId, operationName, bytes: Buffer.byteLength(response.body.string) }, 'response over the size ceiling');
          return sendJson(
            res,
            400,
            errorBody(`The response would exceed ${options.maxResponseBytes} bytes; ask for fewer rows or fields.`, 'RESPONSE_TOO_LARGE', requestId),
          );
        }
        res.end(response.body.string);
      } else {
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        res.setHeader('connection', 'close');
        return sendJson(res, 413, errorBody(`The request body exceeds ${options.bodyLimitBytes} bytes.`, 'PAYLOAD_TOO_LARGE', requestId));
      }
      log.error({ err: error, requestId }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, errorBody('Internal server error.', 'INTERNAL_SERVER_ERROR', requestId));
      else res.end();
    } finally {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      options.metrics?.observeRequest(req.method ?? 'GET', routeOf(url.pathname), res.statusCode, durationMs / 1000);
      if (url.pathname !== '/health') {
        log.info({ requestId, operationName, status: res.statusCode, durationMs: Math.round(durationMs * 10) / 10 }, 'request');
      }
    }
  }
}

/** A bounded route label for metrics and span names: client paths must not grow either. */
function routeOf(pathname: string): string {
  return ['/graphql', '/', '/health', '/ready', '/metrics'].includes(pathname) ? pathname : 'other';
}

/** A loopback entry allows that host on any port; `*` allows every origin. */
export function isAllowedOrigin(origin: string, allowed: readonly string[]): boolean {
  return allowed.some((entry) => {
    if (entry === '*') return true;
    if (LOOPBACK_ORIGINS.includes(entry)) return origin === entry || new RegExp(`^${entry.replace(/[.[\]]/g, '\\$&')}:\\d{1,5}$`).test(origin);
    return origin === entry.replace(/\/$/, '');
  });
}

/**
 * CORS for the portals: an allowed origin gets its own origin back (never `*` with a token:
 * no cookies are used, bearer tokens travel in Authorization), and preflights are answered
 * here. Returns true when the request was a preflight and has been answered.
 */
function applyCors(req: IncomingMessage, res: ServerResponse, allowed: readonly string[]): boolean {
  const origin = headerValue(req.headers.origin, /^[\w.:/[\]-]{1,200}$/);
  const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  res.setHeader('vary', 'Origin');
  if (!origin || !isAllowedOrigin(origin, allowed)) {
    if (preflight) {
      res.writeHead(403).end();
      return true;
    }
    return false;
  }
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('access-control-expose-headers', 'x-request-id');
  if (!preflight) return false;
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': 'authorization, content-type, x-request-id, apollo-require-preflight, x-apollo-operation-name',
    'access-control-max-age': '600',
  });
  res.end();
  return true;
}

/** How many times a header was sent: Node keeps only one Authorization and drops the rest. */
function headerCount(req: IncomingMessage, name: string): number {
  let count = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === name) count++;
  return count;
}

function headerValue(value: string | string[] | undefined, pattern = /^[\w.:-]{1,128}$/): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  // A forwarded id is kept only when it is a sane token, so logs cannot be forged with it.
  return first && pattern.test(first) ? first : undefined;
}

export class PortInUseError extends Error {
  constructor(readonly port: number, readonly host: string, readonly service: string) {
    super(`${service}: port ${port} on ${host} is already in use. Stop what uses it or set another port.`);
    this.name = 'PortInUseError';
  }
}

/** Listens and resolves with the bound port (port 0 picks a free one). */
export function listen(server: http.Server, port: number, host: string, service: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, host, service) : error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Stops accepting connections, lets requests in flight finish (up to `graceMs`), and ends idle
 * keep-alive connections so shutdown does not hang on them.
 */
export function closeServer(server: http.Server, graceMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) return resolve();
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs).unref();
    server.close((error) => {
      clearTimeout(deadline);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
