import path from 'node:path';
import type { QueryLimits } from '../edge/limits';
import type { JwtConfig } from '../kernel/auth/tokens';

export type { JwtConfig };

/**
 * Configuration from environment variables. Every default makes the embedded mode work
 * untouched; an invalid value stops start-up with a message naming the variable.
 */
export interface Config {
  nodeEnv: string;
  host: string;
  gatewayPort: number;
  /** PostgreSQL connection string; absent means the embedded PGlite database. */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  /** How long a request waits for a pool connection before SERVICE_UNAVAILABLE (PostgreSQL). */
  databasePoolWaitMs: number;
  /** How long a mutation's Idempotency-Key is kept for its retries, in seconds (lib/runtime/idempotency.ts). */
  idempotencyTtlSeconds: number;
  /** Where the embedded database and the generated JWT secret live. */
  dataDir: string;
  jwt: JwtConfig;
  /** What one operation may ask for (lib/edge/limits.ts), at the gateway and every subgraph. */
  limits: QueryLimits;
  bodyLimitBytes: number;
  /** The last guard: a response larger than this is replaced by a RESPONSE_TOO_LARGE error. */
  maxResponseBytes: number;
  /** Origins a browser may call from (CORS); `*` for any. */
  corsOrigins: string[];
  rateLimit: RateLimitConfig;
  trustedDocuments: { mode: 'off' | 'allow' | 'only'; manifest: string };
  /** GraphiQL at the gateway's `/` for browsers. */
  explorer: boolean;
  /** How long the gateway waits for a subgraph before failing the request. */
  subgraphTimeoutMs: number;
  /** How long the gateway spends on one request as a whole before answering REQUEST_TIMEOUT. */
  requestTimeoutMs: number;
  introspection: boolean;
  /** Prometheus metrics at `/metrics` on every service (lib/edge/metrics.ts). */
  metrics: boolean;
  /** OpenTelemetry traces (lib/edge/tracing.ts): exported over OTLP/HTTP when an endpoint is set. */
  tracing: { endpoint: string | undefined; serviceName: string | undefined };
  timeZone: string;
  logLevel: string;
  /** Per subgraph, an explicit URL the gateway uses instead of host:port (docker-compose). */
  subgraphUrls: Record<string, string>;
  /** Per subgraph, the port it listens on when started by the launcher. */
  subgraphPorts: Record<string, number>;
  /**
   * The variables this configuration was read from: a subgraph reads its own settings from
   * here with the parsers below (in its src/config.ts), so lib/ need not know every domain.
   */
  env: Env;
}

/** Cost points each caller may spend per window (lib/edge/rate-limit.ts); 0 points turns limits off. */
export interface RateLimitConfig {
  points: number;
  anonymousPoints: number;
  /** A role's own budget; a caller gets the largest of its roles' and the default. */
  pointsByRole: Record<string, number>;
  windowSeconds: number;
  /** Shared counters for several gateway replicas; unset: per process. */
  databaseUrl: string | undefined;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    expected: string,
    value: string,
  ) {
    super(`Invalid ${variable}=${JSON.stringify(value)}: expected ${expected}.`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new ConfigError(name, `a whole number from ${min} to ${max}`, raw);
  }
  return value;
}

export function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, 'true or false', raw);
}

export function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `a URL (${protocols.join(', ')})`, raw);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `a URL (${protocols.join(', ')})`, raw);
  }
  return raw;
}

const BYTE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

export function bytes(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const match = /^(\d+)\s*(b|kb|mb)?$/i.exec(raw.trim());
  if (!match) throw new ConfigError(name, 'a size such as 1mb, 512kb or 1048576', raw);
  const value = Number(match[1]) * BYTE_UNITS[(match[2] ?? 'b').toLowerCase()]!;
  if (value < 1024) throw new ConfigError(name, 'at least 1kb', raw);
  return value;
}

function timeZone(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  try {
    new Intl.DateTimeFormat('en', { timeZone: raw });
  } catch {
    throw new ConfigError(name, 'an IANA time zone such as Asia/Shanghai', raw);
  }
  return raw;
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** A duration such as 12h, 30m or 45s, in seconds. */
export function duration(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const match = /^(\d+)\s*(s|m|h|d)?$/i.exec(raw.trim());
  const value = match ? Number(match[1]) * DURATION_UNITS[(match[2] ?? 's').toLowerCase()]! : NaN;
  if (!(value >= min && value <= max)) throw new ConfigError(name, `a duration from ${min}s to ${max}s, such as 12h, 30m or 45s`, raw);
  return value;
}

/** The loopback origins the embedded mode allows, any port: a portal served on this machine. */
export const LOOPBACK_ORIGINS = ['http://localhost', 'http://127.0.0.1', 'http://[::1]'];

function origins(env: Env, name: string, fallback: string[]): string[] {
  const raw = env[name];
  if (raw === undefined) return fallback;
  const list = raw
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of list) {
    if (origin === '*') continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin.replace(/\/$/, '')) {
      throw new ConfigError(name, 'a comma-separated list of origins such as https://portal.example.cn, or *', raw);
    }
  }
  return list;
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!values.includes(raw as T)) throw new ConfigError(name, values.join(', '), raw);
  return raw as T;
}

function budgets(env: Env, name: string): Record<string, number> {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return {};
  const entries = raw.split(',').map((pair) => pair.trim().split('='));
  if (!entries.every(([role, points]) => /^[A-Z_]+$/.test(role ?? '') && /^\d+$/.test(points ?? ''))) {
    throw new ConfigError(name, 'ROLE=points pairs separated by commas, e.g. CITY_ADMIN=2000000,RESIDENT=300000', raw);
  }
  return Object.fromEntries(entries.map(([role, points]) => [role!, Number(points)]));
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Subgraph names with their default ports; the list in subgraphs/index.ts must agree. */
export function loadConfig(env: Env = process.env, subgraphDefaults: Record<string, number> = {}): Config {
  const nodeEnv = env.NODE_ENV ?? 'development';
  const logLevel = env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info');
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', LOG_LEVELS.join(', '), logLevel);

  const subgraphUrls: Record<string, string> = {};
  const subgraphPorts: Record<string, number> = {};
  for (const [name, defaultPort] of Object.entries(subgraphDefaults)) {
    const key = name.toUpperCase();
    subgraphPorts[name] = integer(env, `${key}_PORT`, defaultPort, 0, 65535);
    const explicit = url(env, `${key}_URL`, ['http:', 'https:']);
    if (explicit) subgraphUrls[name] = explicit;
  }

  const publicKeyPem = env.JWT_PUBLIC_KEY || undefined;
  if (publicKeyPem && !publicKeyPem.includes('BEGIN PUBLIC KEY')) {
    throw new ConfigError('JWT_PUBLIC_KEY', 'an RS256 public key in PEM (-----BEGIN PUBLIC KEY-----)', '…');
  }
  const secret = env.JWT_SECRET || undefined;
  if (secret !== undefined && secret.length < 32) {
    throw new ConfigError('JWT_SECRET', 'at least 32 characters', '…');
  }

  return {
    nodeEnv,
    host: env.HOST || '127.0.0.1',
    gatewayPort: integer(env, 'GATEWAY_PORT', 4000, 0, 65535),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    databasePoolWaitMs: integer(env, 'DATABASE_POOL_WAIT_MS', 5_000, 10, 600_000),
    idempotencyTtlSeconds: duration(env, 'IDEMPOTENCY_TTL', 24 * 3600, 60, 30 * 86400),
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    jwt: {
      secret,
      publicKeyPem,
      jwksUrl: url(env, 'JWT_JWKS_URL', ['http:', 'https:']),
      issuer: env.JWT_ISSUER || undefined,
      audience: env.JWT_AUDIENCE || undefined,
      maxTtlSeconds: duration(env, 'JWT_MAX_TTL', 12 * 3600, 60, 30 * 86400),
      clockToleranceSeconds: duration(env, 'JWT_CLOCK_TOLERANCE', 60, 0, 3600),
    },
    limits: {
      maxDepth: integer(env, 'MAX_QUERY_DEPTH', 12, 2, 100),
      maxCost: integer(env, 'MAX_QUERY_COST', 20000, 10, 10_000_000),
      maxAliases: integer(env, 'MAX_QUERY_ALIASES', 30, 0, 10_000),
      maxDirectives: integer(env, 'MAX_QUERY_DIRECTIVES', 50, 0, 10_000),
      maxTokens: integer(env, 'MAX_QUERY_TOKENS', 5000, 100, 1_000_000),
      maxFields: integer(env, 'MAX_QUERY_FIELDS', 2000, 10, 1_000_000),
    },
    bodyLimitBytes: bytes(env, 'BODY_LIMIT', 1024 * 1024),
    maxResponseBytes: bytes(env, 'MAX_RESPONSE_BYTES', 8 * 1024 * 1024),
    corsOrigins: origins(env, 'CORS_ORIGINS', nodeEnv === 'production' ? [] : LOOPBACK_ORIGINS),
    explorer: boolean(env, 'EXPLORER', nodeEnv !== 'production'),
    trustedDocuments: {
      mode: oneOf(env, 'TRUSTED_DOCUMENTS', ['off', 'allow', 'only'] as const, 'off'),
      manifest: path.resolve(env.TRUSTED_DOCUMENTS_MANIFEST || path.join(__dirname, '../../documents/manifest.json')),
    },
    rateLimit: {
      points: integer(env, 'RATE_LIMIT_POINTS', 600_000, 0, 1_000_000_000),
      anonymousPoints: integer(env, 'RATE_LIMIT_ANONYMOUS_POINTS', 120_000, 0, 1_000_000_000),
      pointsByRole: budgets(env, 'RATE_LIMIT_ROLES'),
      windowSeconds: duration(env, 'RATE_LIMIT_WINDOW', 60, 1, 86_400),
      databaseUrl: url(env, 'RATE_LIMIT_DATABASE_URL', ['postgres:', 'postgresql:']),
    },
    subgraphTimeoutMs: integer(env, 'SUBGRAPH_TIMEOUT_MS', 10_000, 100, 600_000),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 15_000, 100, 600_000),
    introspection: boolean(env, 'INTROSPECTION', nodeEnv !== 'production'),
    metrics: boolean(env, 'METRICS', true),
    tracing: { endpoint: url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']), serviceName: env.OTEL_SERVICE_NAME || undefined },
    timeZone: timeZone(env, 'CITY_TIME_ZONE', 'Asia/Shanghai'),
    logLevel,
    subgraphUrls,
    subgraphPorts,
    env,
  };
}
