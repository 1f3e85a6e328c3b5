import path from 'node:path';

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
  /** Where the embedded database and the generated JWT secret live. */
  dataDir: string;
  jwt: JwtConfig;
  maxQueryDepth: number;
  maxQueryCost: number;
  bodyLimitBytes: number;
  /** How long the gateway waits for a subgraph before failing the request. */
  subgraphTimeoutMs: number;
  introspection: boolean;
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

export interface JwtConfig {
  /** HS256 shared secret; the embedded default generates one under dataDir. */
  secret: string | undefined;
  /** RS256 public key in PEM (SPKI). */
  publicKeyPem: string | undefined;
  /** RS256 keys from an identity provider's JWKS endpoint. */
  jwksUrl: string | undefined;
  issuer: string | undefined;
  audience: string | undefined;
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
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    jwt: {
      secret,
      publicKeyPem,
      jwksUrl: url(env, 'JWT_JWKS_URL', ['http:', 'https:']),
      issuer: env.JWT_ISSUER || undefined,
      audience: env.JWT_AUDIENCE || undefined,
    },
    maxQueryDepth: integer(env, 'MAX_QUERY_DEPTH', 12, 2, 100),
    maxQueryCost: integer(env, 'MAX_QUERY_COST', 20000, 10, 10_000_000),
    bodyLimitBytes: bytes(env, 'BODY_LIMIT', 1024 * 1024),
    subgraphTimeoutMs: integer(env, 'SUBGRAPH_TIMEOUT_MS', 10_000, 100, 600_000),
    introspection: boolean(env, 'INTROSPECTION', nodeEnv !== 'production'),
    timeZone: timeZone(env, 'CITY_TIME_ZONE', 'Asia/Shanghai'),
    logLevel,
    subgraphUrls,
    subgraphPorts,
    env,
  };
}
