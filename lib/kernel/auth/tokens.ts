import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRemoteJWKSet, importSPKI, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { rejectedToken } from '../errors';
import { isAreaCode } from './jurisdiction';
import { ANONYMOUS, ROLES, type Role, type Viewer } from './viewer';

export type VerifyToken = (authorization: string | undefined) => Promise<Viewer>;

/** How bearer tokens are checked (read from the environment by lib/runtime/config.ts). */
export interface JwtConfig {
  /** HS256 shared secret; the embedded default generates one under dataDir. */
  secret: string | undefined;
  /** RS256 public key in PEM (SPKI). */
  publicKeyPem: string | undefined;
  /** RS256 keys from an identity provider's JWKS endpoint. */
  jwksUrl: string | undefined;
  issuer: string | undefined;
  audience: string | undefined;
  /** The longest lifetime (exp − iat) a token may have, in seconds. */
  maxTtlSeconds: number;
  /** How far clocks may disagree when checking exp, iat and nbf, in seconds. */
  clockToleranceSeconds: number;
}

/**
 * Builds the bearer-token check every service runs. No header means anonymous; any token that
 * fails (bad signature, expired, malformed claims) is UNAUTHENTICATED, never anonymous.
 */
export async function createTokenVerifier(jwt: JwtConfig): Promise<VerifyToken> {
  let key: Uint8Array | Awaited<ReturnType<typeof importSPKI>> | JWTVerifyGetKey;
  let algorithms: string[];
  if (jwt.jwksUrl) {
    key = createRemoteJWKSet(new URL(jwt.jwksUrl));
    algorithms = ['RS256'];
  } else if (jwt.publicKeyPem) {
    key = await importSPKI(jwt.publicKeyPem, 'RS256');
    algorithms = ['RS256'];
  } else if (jwt.secret) {
    key = new TextEncoder().encode(jwt.secret);
    algorithms = ['HS256'];
  } else {
    throw new Error('No JWT key configured: set JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL.');
  }

  return async (authorization) => {
    if (authorization === undefined || authorization.trim() === '') return ANONYMOUS;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw rejectedToken('The Authorization header must be "Bearer <token>".');
    let payload: JWTPayload;
    try {
      // jose's overloads differ by key kind; each branch above picks a matching one.
      ({ payload } = await jwtVerify(match[1]!, key as Uint8Array, {
        algorithms,
        issuer: jwt.issuer,
        audience: jwt.audience,
        // A token without exp would be valid forever.
        requiredClaims: ['exp'],
        // jose checks exp and nbf against this tolerance; iat is checked below.
        clockTolerance: jwt.clockToleranceSeconds,
      }));
    } catch (error) {
      const reason = (error as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'has expired' : 'is not valid';
      throw rejectedToken(`The bearer token ${reason}.`);
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.iat === 'number' && payload.iat > now + jwt.clockToleranceSeconds) {
      throw rejectedToken("The bearer token was issued in the future; check the issuer's clock.");
    }
    // A lifetime longer than allowed is refused even while young: a stolen token must not live long.
    if (payload.exp! - (typeof payload.iat === 'number' ? payload.iat : now) > jwt.maxTtlSeconds) {
      throw rejectedToken(`The bearer token lives longer than the ${jwt.maxTtlSeconds} s allowed (JWT_MAX_TTL).`);
    }
    return viewerFromClaims(payload);
  };
}

function viewerFromClaims(payload: JWTPayload): Viewer {
  const { sub, name, roles, area, org } = payload as JWTPayload & Record<string, unknown>;
  if (typeof sub !== 'string' || sub === '') throw rejectedToken('The bearer token has no subject.');
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => ROLES.includes(r as Role))) {
    throw rejectedToken(`The bearer token's roles must be a non-empty list from ${ROLES.join(', ')}.`);
  }
  if (typeof area !== 'string' || !isAreaCode(area)) {
    throw rejectedToken("The bearer token's area must be a 12-digit division code.");
  }
  if (org !== undefined && typeof org !== 'string') throw rejectedToken("The bearer token's org must be a string.");
  return {
    anonymous: false,
    id: sub,
    name: typeof name === 'string' ? name : sub,
    roles: roles as Role[],
    area,
    org: org,
  };
}

export interface TokenClaims {
  sub: string;
  name?: string;
  roles: Role[];
  area: string;
  org?: string;
}

/** Mints an HS256 token (embedded mode, tests; scripts/token.mjs writes the same claims, held to them by its test). */
export async function signToken(secret: string, claims: TokenClaims, ttl: string | number = '8h'): Promise<string> {
  const { sub, ...rest } = claims;
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(new TextEncoder().encode(secret));
}

/** The embedded default's HS256 secret: created on first start, kept under the data directory. */
export function embeddedSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return fs.readFileSync(file, 'utf8').trim();
  }
  return secret;
}

/** The JWT settings in force: the configured ones, or the embedded secret when none is set. */
export function resolveJwtConfig(jwt: JwtConfig, dataDir: string): JwtConfig {
  if (jwt.secret || jwt.publicKeyPem || jwt.jwksUrl) return jwt;
  return { ...jwt, secret: embeddedSecret(dataDir) };
}
