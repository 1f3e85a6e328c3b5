import { randomUUID } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServer, BaseContext } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import fastifyCors from '@fastify/cors';
import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { LOOPBACK_ORIGINS } from '../runtime/config';
import { errorBody } from './error-body';
import { explorerAnswer } from './explorer';
import { operationNameOf, withOperationSlot, type Logger } from '../runtime/log';
import type { Metrics } from './metrics';
import { nameOperation, tracingOn, withServerSpan } from './tracing';
import type { TrustedDocuments } from './trusted-documents';

export interface ReadinessCheck {
  ready: boolean;
  detail?: Record<string, unknown>;
}

/** What a plain HTTP route answers. */
export interface HttpAnswer {
  status: number;
  type: string;
  headers?: Record<string, string>;
  body: string;
}

/** A plain HTTP route beside GraphQL (e.g. a calendar feed): GET under a path prefix. */
export interface HttpRoute {
  method: 'GET';
  prefix: string;
  handle(request: { path: string; headers: IncomingHttpHeaders; requestId: string }): Promise<HttpAnswer>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * A JSON GET endpoint beside GraphQL (a subgraph's export format, such as OCDS): it gets the
 * rest of the path after its prefix, the caller's headers and the request id, and answers a
 * status and a body.
 */
export function jsonRoute(
  prefix: string,
  answer: (request: { rest: string; headers: IncomingHttpHeaders; requestId: string }) => Promise<{ status: number; body: unknown }>,
): HttpRoute {
  return {
    method: 'GET',
    prefix,
    async handle({ path, headers, requestId }) {
      const { status, body } = await answer({ rest: path.slice(prefix.length), headers, requestId });
      return { status, type: JSON_TYPE, body: JSON.stringify(body) };
    },
  };
}

export interface GraphQLHttpOptions<C extends BaseContext> {
  apollo: ApolloServer<C>;
  /** Builds the per-request context; may throw a GraphQLError (e.g. a bad token → 401). */
  context: (request: { headers: IncomingHttpHeaders; body: unknown; requestId: string; clientAddress: string | undefined }) => Promise<C>;
  /** Runs the operation's execution inside what the service needs around it (a subgraph's work scope: lib/runtime/db/scope.ts). */
  around?: <T>(context: C, execute: () => Promise<T>) => Promise<T>;
  bodyLimitBytes: number;
  /** Responses above this size are replaced by a RESPONSE_TOO_LARGE error (the last guard). */
  maxResponseBytes: number;
  /** Origins browsers may call from (CORS); absent or empty: none. */
  corsOrigins?: string[];
  /** Served at `/metrics` and fed with every request. */
  metrics?: Metrics;
  /** Registered operations, resolved (and unregistered ones refused) before GraphQL parses. */
  documents?: TrustedDocuments;
  /** Serve GraphiQL at `/` to browsers (lib/edge/explorer.ts). */
  explorer?: boolean;
  log: Logger;
  /** The service's name in traces (gateway or a subgraph's name). */
  service: string;
  /** `/ready`: whether this service can answer queries now. */
  readiness?: () => Promise<ReadinessCheck>;
  /** Extra routes a service serves outside GraphQL; errors in them are masked like any other. */
  routes?: readonly HttpRoute[];
}

class InvalidJson extends Error {}

/** The HTTP status of a plain route's refusal, by its code (lib/kernel/errors.ts). */
const ROUTE_STATUS: Record<string, number> = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404 };

/** Node's HTTP parser refuses some requests before any handler runs: each gets its status and code. */
const CLIENT_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: 'HEADERS_TOO_LARGE', message: 'The request headers are too large.' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'REQUEST_TIMEOUT', message: 'The request did not arrive in time.' },
};

/** A refusal with an HTTP status of its own (a bad token: 401), answered before Apollo plans. */
function httpStatusOf(error: unknown): number | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  return (error.extensions.http as { status?: number } | undefined)?.status;
}

function pathOf(url: string): string {
  return new URL(url, 'http://localhost').pathname;
}

/**
 * A server's drain (closeServer): once it starts, readiness fails and every new request, on a
 * new connection or a kept-alive one, is answered 503 SERVICE_UNAVAILABLE, while the requests
 * already in flight finish; the server closes when none is left (or the grace period ends).
 */
interface Drain {
  draining: boolean;
  inflight: number;
  onIdle?: () => void;
}
const drains = new WeakMap<http.Server, Drain>();

/** The request id, chosen before Fastify sees the request so that the trace span carries it too. */
const REQUEST_ID = Symbol('requestId');
type IdentifiedRequest = IncomingMessage & { [REQUEST_ID]?: string };

/**
 * Serves an Apollo Server on Fastify (@as-integrations/fastify): `/graphql` (and `/`), `/health`
 * (alive) and `/ready`, with a request-body limit, CORS (@fastify/cors), a request id on every
 * response, every error in the graph's own shape, and one log line per request. Resolves once
 * the routes are ready, with the HTTP server to listen on (not listening yet).
 */
export async function createGraphQLHttpServer<C extends BaseContext>(options: GraphQLHttpOptions<C>): Promise<http.Server> {
  const { apollo, log } = options;
  const allowed = options.corsOrigins ?? [];
  const contexts = new WeakMap<FastifyRequest, C>();
  const operationNames = new WeakMap<FastifyRequest, string>();

  const app = Fastify<http.Server>({
    loggerInstance: log,
    // One line per request is written below, with the operation name Fastify does not know.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    bodyLimit: options.bodyLimitBytes,
    requestIdHeader: false,
    genReqId: (req) => (req as IdentifiedRequest)[REQUEST_ID] ?? randomUUID(),
    // A request Fastify cannot route at all (a malformed URL): refused in the graph's own shape.
    // What Node's parser refuses (oversized headers, a malformed request line) never reaches a
    // route; it is answered on the socket, in the graph's shape with a request id of its own.
    clientErrorHandler: (error: NodeJS.ErrnoException, socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
      const refusal = CLIENT_ERRORS[error.code ?? ''] ?? { status: 400, code: 'BAD_REQUEST', message: 'The request is not valid HTTP.' };
      const requestId = randomUUID();
      const body = JSON.stringify(errorBody(refusal.message, refusal.code, requestId));
      log.info({ requestId, status: refusal.status, reason: error.code }, 'request refused by the HTTP parser');
      socket.end(
        `HTTP/1.1 ${refusal.status} ${http.STATUS_CODES[refusal.status]}\r\nContent-Type: ${JSON_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `x-request-id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
      );
    },
    frameworkErrors: (error, request, reply) => {
      void (reply as FastifyReply)
        .header('x-request-id', request.id)
        .code(400)
        .send(errorBody(error.message, 'BAD_REQUEST', request.id));
    },
    // The server span wraps Fastify's whole handling, so every hook and resolver runs inside it.
    serverFactory: (handler) => {
      const drain: Drain = { draining: false, inflight: 0 };
      const server = http.createServer((req: IdentifiedRequest, res) => {
        drain.inflight++;
        res.once('close', () => {
          if (--drain.inflight === 0) drain.onIdle?.();
        });
        const requestId = headerValue(req.headers['x-request-id']) ?? randomUUID();
        req[REQUEST_ID] = requestId;
        if (!tracingOn()) return handler(req, res);
        const request = {
          method: req.method ?? 'GET',
          route: routeOf(pathOf(req.url ?? '/')),
          headers: req.headers,
          requestId,
          service: options.service,
        };
        void withServerSpan(request, (finish) => {
          const done = new Promise<void>((resolve) => res.once('close', () => resolve(finish(res.statusCode))));
          handler(req, res);
          return done;
        });
      });
      drains.set(server, drain);
      return server;
    },
  });

  // Every POST body is JSON whatever its Content-Type claims: Apollo judges the Content-Type
  // itself (CSRF prevention), and must see the body to do so.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, raw, done) => {
    if (raw === '') return done(null, {});
    try {
      done(null, JSON.parse(raw as string));
    } catch {
      done(new InvalidJson('The request body is not valid JSON.'), undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Draining: liveness holds, readiness fails, anything else is refused (and its connection closed).
    const path = pathOf(request.url);
    if (drains.get(app.server)?.draining && path !== '/health') {
      reply.header('connection', 'close').code(503);
      if (path === '/ready') return reply.send({ status: 'not ready', reason: 'shutting down' });
      return reply.send(errorBody('This server is shutting down; try again.', 'SERVICE_UNAVAILABLE', request.id));
    }
    // @fastify/cors passes a refused origin's preflight on to a 404: say 403, refused.
    const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    if (preflight && !originAllowed(request.headers.origin, allowed)) {
      return reply
        .header('vary', 'Origin')
        .code(403)
        .send(errorBody('This origin may not call the graph from a browser; see CORS_ORIGINS.', 'FORBIDDEN', request.id));
    }
  });
  // An allowed origin gets its own origin back (never `*` with a token: no cookies are used,
  // bearer tokens travel in Authorization). Only a real preflight (it names the method it wants)
  // is answered here; any other OPTIONS reaches Apollo, which refuses it as before.
  const cors = {
    origin: (origin: string | undefined, callback: (error: Error | null, allow: boolean) => void) =>
      callback(null, originAllowed(origin, allowed)),
    methods: 'GET, POST, OPTIONS',
    allowedHeaders: 'authorization, content-type, x-request-id, apollo-require-preflight, x-apollo-operation-name, idempotency-key',
    exposedHeaders: 'x-request-id',
    maxAge: 600,
  };
  await app.register(fastifyCors, {
    delegator: (request, callback) =>
      callback(null, { ...cors, preflight: request.headers['access-control-request-method'] !== undefined }),
  });

  app.addHook('onResponse', async (request, reply) => {
    const path = pathOf(request.url);
    options.metrics?.observeRequest(request.method, routeOf(path), reply.statusCode, reply.elapsedTime / 1000);
    if (path !== '/health') {
      log.info(
        {
          requestId: request.id,
          operationName: operationNames.get(request) ?? operationNameOf(contexts.get(request)),
          status: reply.statusCode,
          durationMs: Math.round(reply.elapsedTime * 10) / 10,
        },
        'request',
      );
    }
  });

  app.setErrorHandler((error, request, reply) => {
    if ((error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply
        .header('connection', 'close')
        .code(413)
        .send(errorBody(`The request body exceeds ${options.bodyLimitBytes} bytes.`, 'PAYLOAD_TOO_LARGE', request.id));
    }
    if (error instanceof InvalidJson) return reply.code(400).send(errorBody(error.message, 'BAD_REQUEST', request.id));
    // Fastify's own refusals of a malformed request (a bad URL, say): the client's fault, in our shape.
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500)
      return reply.code(status).send(errorBody((error as Error).message, 'BAD_REQUEST', request.id));
    log.error({ err: error, requestId: request.id }, 'request failed');
    return reply.code(500).send(errorBody('Internal server error.', 'INTERNAL_SERVER_ERROR', request.id));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody(`No route ${pathOf(request.url)}; GraphQL is at /graphql.`, 'NOT_FOUND', request.id)),
  );

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    const check = options.readiness ? await options.readiness() : { ready: true };
    return reply.code(check.ready ? 200 : 503).send({ status: check.ready ? 'ready' : 'not ready', ...check.detail });
  });
  const metrics = options.metrics;
  if (metrics)
    app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  if (options.explorer) {
    app.get('/explorer/*', async (request, reply) => {
      const answer = explorerAnswer(pathOf(request.url), request.headers.accept, true);
      if (!answer) return reply.callNotFound();
      if (answer.cacheControl) reply.header('cache-control', answer.cacheControl);
      return reply.type(answer.type).send(answer.body);
    });
  }
  for (const route of options.routes ?? []) {
    app.get(`${route.prefix}*`, async (request, reply) => {
      let answer: HttpAnswer;
      try {
        answer = await route.handle({ path: pathOf(request.url), headers: request.headers, requestId: request.id });
      } catch (error) {
        // A refusal (lib/kernel/errors.ts) becomes its status and the graph's body; anything else is a 500.
        const status = error instanceof GraphQLError ? ROUTE_STATUS[String(error.extensions.code)] : undefined;
        if (status === undefined) throw error;
        const { code, http: _http, ...extensions } = (error as GraphQLError).extensions;
        return reply.code(status).send(errorBody((error as GraphQLError).message, String(code), request.id, extensions));
      }
      return reply
        .code(answer.status)
        .headers(answer.headers ?? {})
        .type(answer.type)
        .send(answer.body);
    });
  }

  const executeGraphQL = fastifyApolloHandler<C, http.Server>(apollo, { context: async (request) => contexts.get(request)! });
  const graphql = async (request: FastifyRequest, reply: FastifyReply) => {
    // A browser landing here gets the explorer or a plain page, never Apollo's CDN landing page.
    if (request.method === 'GET') {
      const page = explorerAnswer(pathOf(request.url), request.headers.accept, options.explorer ?? false);
      if (page) return reply.type(page.type).send(page.body);
    }
    if (request.method === 'POST') {
      const operationName = (request.body as { operationName?: unknown } | null)?.operationName;
      if (typeof operationName === 'string') {
        operationNames.set(request, operationName);
        nameOperation(operationName);
      }
    }
    if (options.documents && options.documents.mode !== 'off') {
      try {
        if (request.method !== 'POST')
          throw new GraphQLError('Registered operations are sent with POST.', { extensions: { code: 'OPERATION_NOT_REGISTERED' } });
        const body = request.body;
        if (body && typeof body === 'object' && !Array.isArray(body)) {
          const resolved = options.documents.resolve(body as Record<string, unknown>);
          request.body = resolved.body;
          if (resolved.unregistered)
            log.info(
              { requestId: request.id, operationName: operationNames.get(request), documentHash: resolved.unregistered },
              'unregistered operation',
            );
        }
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        return reply.code(400).send(errorBody(error.message, String(error.extensions.code), request.id));
      }
    }
    // The caller is known before Apollo sees the request: a bad token is 401 before parsing or
    // planning, with the request id like every other error.
    try {
      if (headerCount(request.raw, 'authorization') > 1) {
        throw new GraphQLError('Send one Authorization header, not several.', {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
        });
      }
      contexts.set(
        request,
        withOperationSlot(
          await options.context({
            headers: request.headers,
            body: request.body,
            requestId: request.id,
            clientAddress: request.socket.remoteAddress,
          }),
        ),
      );
    } catch (error) {
      const status = httpStatusOf(error);
      if (status === undefined) throw error;
      return reply
        .code(status)
        .send(errorBody((error as GraphQLError).message, String((error as GraphQLError).extensions.code), request.id));
    }
    const execute = async () =>
      executeGraphQL.call(app, request as Parameters<typeof executeGraphQL>[0], reply as Parameters<typeof executeGraphQL>[1]);
    const answer: unknown = await (options.around ? options.around(contexts.get(request)!, execute) : execute());
    if (typeof answer === 'string' && reply.statusCode >= 400 && !answer.includes('"requestId"')) {
      if (!String(reply.getHeader('content-type') ?? '').includes('json')) reply.type(JSON_TYPE);
      return withRequestId(answer, request.id);
    }
    if (typeof answer === 'string' && Buffer.byteLength(answer) > options.maxResponseBytes) {
      log.warn(
        { requestId: request.id, operationName: operationNames.get(request), bytes: Buffer.byteLength(answer) },
        'response over the size ceiling',
      );
      return reply
        .code(400)
        .type(JSON_TYPE)
        .send(
          errorBody(
            `The response would exceed ${options.maxResponseBytes} bytes; ask for fewer rows or fields.`,
            'RESPONSE_TOO_LARGE',
            request.id,
          ),
        );
    }
    return answer;
  };
  // Every method reaches Apollo, which answers those it does not serve (405) as before.
  for (const url of ['/graphql', '/']) app.route({ method: ['GET', 'POST', 'OPTIONS', 'PUT', 'PATCH', 'DELETE'], url, handler: graphql });

  await app.ready();
  return app.server;
}

/**
 * Apollo's refusals of the HTTP request itself (a batch, a missing query, a CSRF-suspect GET)
 * come in the graph's shape but before any plugin runs, so without the request id: stamp it.
 */
function withRequestId(answer: string, requestId: string): string {
  try {
    const body = JSON.parse(answer) as { errors?: { message: string; extensions?: Record<string, unknown> }[] };
    if (!Array.isArray(body.errors)) return answer;
    for (const error of body.errors) error.extensions = { code: 'BAD_REQUEST', ...error.extensions, requestId };
    return JSON.stringify(body);
  } catch {
    return JSON.stringify(errorBody(answer.trim() || 'The request was refused.', 'BAD_REQUEST', requestId));
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
    if (LOOPBACK_ORIGINS.includes(entry))
      return origin === entry || new RegExp(`^${entry.replace(/[.[\]]/g, '\\$&')}:\\d{1,5}$`).test(origin);
    return origin === entry.replace(/\/$/, '');
  });
}

/** Whether a browser calling from `origin` may read the answers (CORS); odd-looking origins never. */
function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  const checked = headerValue(origin, /^[\w.:/[\]-]{1,200}$/);
  return checked !== undefined && isAllowedOrigin(checked, allowed);
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
  constructor(
    readonly port: number,
    readonly host: string,
    readonly service: string,
  ) {
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
 * Drains, then closes (SIGTERM, via lib/runtime/process's onShutdown): readiness fails at once, new
 * requests get 503 SERVICE_UNAVAILABLE (kept-alive connections included, so no caller is served
 * by a server on its way out, nor reset mid-request), requests in flight finish; when none is
 * left, or after `graceMs`, the listener and every connection are closed.
 */
export function closeServer(server: http.Server, graceMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) return resolve();
    const drain = drains.get(server);
    let closing = false;
    const close = () => {
      if (closing) return;
      closing = true;
      if (drain) drain.onIdle = undefined;
      server.close((error) => {
        clearTimeout(deadline);
        if (drain) drain.draining = false;
        if (error) reject(error);
        else resolve();
      });
      server.closeIdleConnections();
    };
    // Past the grace period, what is still in flight is cut off.
    const deadline = setTimeout(() => {
      close();
      server.closeAllConnections();
    }, graceMs).unref();
    if (!drain || drain.inflight === 0) return close();
    drain.draining = true;
    drain.onIdle = close;
  });
}
