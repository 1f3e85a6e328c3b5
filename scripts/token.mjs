/**
 * `npm run token -- --role R [--role R2] --area CODE [--org ID] [--sub ID] [--name N] [--ttl 8h]`
 *
 * Plain JavaScript on purpose: every README example mints a token first, and starting the
 * TypeScript toolchain to load the project's modules took about 9 s on a loaded machine. This
 * reads only what minting needs (the HS256 secret, JWT_MAX_TTL) and signs with jose directly.
 * What it repeats of the TypeScript side (the roles, the area-code check, the embedded secret's
 * file, the claims) is held to it by lib/test/token-script.unit.test.ts, which verifies a token
 * for every role with the services' own verifier.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';

/** lib/kernel/auth/viewer.ts ROLES, in its order. */
const ROLES = [
  'RESIDENT',
  'COMMUNITY_WORKER',
  'STREET_OFFICER',
  'DISTRICT_CIVIL_AFFAIRS',
  'CITY_ADMIN',
  'PROCUREMENT_OFFICER',
  'HOUSING_AUTHORITY',
  'DEVELOPER',
  'UNIT_ADMIN',
  'ORG_ADMIN',
  'EVALUATOR',
];

const usage = `Usage: npm run token -- --role ROLE --area CODE [--org ID] [--sub ID] [--name NAME] [--ttl 8h]
Roles: ${ROLES.join(', ')}`;

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 };

function fail(message) {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

/** lib/kernel/auth/jurisdiction.ts isAreaCode. */
function isAreaCode(value) {
  return /^\d{12}$/.test(value) && value.slice(0, 2) !== '00';
}

/** JWT_MAX_TTL as lib/runtime/config.ts reads it: a duration from 60 s to 30 days, 12 h when unset. */
function maxTtlSeconds(env) {
  const raw = env.JWT_MAX_TTL;
  if (raw === undefined || raw === '') return 12 * 3600;
  const match = /^(\d+)\s*(s|m|h|d)?$/i.exec(raw.trim());
  const value = match ? Number(match[1]) * UNIT_SECONDS[(match[2] ?? 's').toLowerCase()] : NaN;
  if (!(value >= 60 && value <= 30 * 86400)) {
    fail(`Invalid JWT_MAX_TTL=${JSON.stringify(raw)}: expected a duration from 60s to 2592000s, such as 12h, 30m or 45s.`);
  }
  return value;
}

/**
 * The HS256 secret the services use: JWT_SECRET, or (when no key of any kind is configured) the
 * embedded one under DATA_DIR, created on first use exactly as lib/kernel/auth/tokens.ts embeddedSecret.
 */
function hs256Secret(env) {
  const secret = env.JWT_SECRET || undefined;
  if (secret !== undefined && secret.length < 32) fail('Invalid JWT_SECRET="…": expected at least 32 characters.');
  if (secret || env.JWT_PUBLIC_KEY || env.JWT_JWKS_URL) return secret;
  const dataDir = path.resolve(env.DATA_DIR || '.data');
  const file = path.join(dataDir, 'jwt-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const created = randomBytes(32).toString('base64url');
  try {
    fs.writeFileSync(file, created, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process (a starting graph) created it first: use theirs.
    if (error.code !== 'EEXIST') throw error;
    return fs.readFileSync(file, 'utf8').trim();
  }
  return created;
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        role: { type: 'string', multiple: true },
        area: { type: 'string' },
        org: { type: 'string' },
        sub: { type: 'string' },
        name: { type: 'string' },
        ttl: { type: 'string', default: '8h' },
      },
    }));
  } catch (error) {
    fail(error.message);
  }
  const roles = values.role ?? [];
  if (roles.length === 0) fail('Give at least one --role.');
  const unknown = roles.filter((role) => !ROLES.includes(role));
  if (unknown.length > 0) fail(`Unknown role ${unknown.join(', ')}.`);
  if (!values.area || !isAreaCode(values.area)) fail('--area must be a 12-digit division code, e.g. 510108000000.');
  const maxTtl = maxTtlSeconds(process.env);
  const ttl = /^(\d+)([smhd])$/.exec(values.ttl);
  if (!ttl) fail('--ttl must look like 30m, 8h or 7d.');
  const seconds = Number(ttl[1]) * UNIT_SECONDS[ttl[2]];
  // A token the graph would refuse is no use to anyone: say so instead of minting it.
  if (seconds <= 0 || seconds > maxTtl) fail(`--ttl must be above 0 and at most ${maxTtl} s (JWT_MAX_TTL).`);
  const secret = hs256Secret(process.env);
  if (!secret) fail('Tokens can only be minted for an HS256 secret (JWT_SECRET or the embedded one).');
  const sub = values.sub ?? `demo-${roles[0].toLowerCase()}-${values.area}`;
  // The claims of lib/kernel/auth/tokens.ts signToken: sub, name, roles, area, org when given, iat, exp.
  const token = await new SignJWT({ name: values.name ?? sub, roles, area: values.area, org: values.org })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(values.ttl)
    .sign(new TextEncoder().encode(secret));
  console.log(token);
}

main().catch((error) => fail(error instanceof Error ? error.message : String(error)));
