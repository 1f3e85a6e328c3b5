/** `npm run token -- --role R [--role R2] --area CODE [--org ID] [--sub ID] [--name N] [--ttl 8h]` */
import { parseArgs } from 'node:util';
import { isAreaCode, resolveJwtConfig, ROLES, signToken, type Role } from '../lib/auth';
import { loadConfig } from '../lib/config';

const usage = `Usage: npm run token -- --role ROLE --area CODE [--org ID] [--sub ID] [--name NAME] [--ttl 8h]
Roles: ${ROLES.join(', ')}`;

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

async function main(): Promise<void> {
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
    fail((error as Error).message);
  }
  const roles = values.role ?? [];
  if (roles.length === 0) fail('Give at least one --role.');
  const unknown = roles.filter((role) => !ROLES.includes(role as Role));
  if (unknown.length > 0) fail(`Unknown role ${unknown.join(', ')}.`);
  if (!values.area || !isAreaCode(values.area)) fail('--area must be a 12-digit division code, e.g. 510108000000.');
  const config = loadConfig();
  const ttl = /^(\d+)([smhd])$/.exec(values.ttl!);
  if (!ttl) fail('--ttl must look like 30m, 8h or 7d.');
  const seconds = Number(ttl[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[ttl[2] as 's' | 'm' | 'h' | 'd'];
  // A token the graph would refuse is no use to anyone: say so instead of minting it.
  if (seconds <= 0 || seconds > config.jwt.maxTtlSeconds) {
    fail(`--ttl must be above 0 and at most ${config.jwt.maxTtlSeconds} s (JWT_MAX_TTL).`);
  }
  const jwt = resolveJwtConfig(config.jwt, config.dataDir);
  if (!jwt.secret) fail('Tokens can only be minted for an HS256 secret (JWT_SECRET or the embedded one).');
  const sub = values.sub ?? `demo-${roles[0]!.toLowerCase()}-${values.area}`;
  const token = await signToken(
    jwt.secret,
    { sub, name: values.name ?? sub, roles: roles as Role[], area: values.area, org: values.org },
    values.ttl,
  );
  console.log(token);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
