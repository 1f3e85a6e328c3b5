import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { createTokenVerifier, resolveJwtConfig, signToken } from '../kernel/auth/tokens';
import { ROLES } from '../kernel/auth/viewer';
import { loadConfig } from '../runtime/config';

/**
 * `npm run token` is plain JavaScript (scripts/token.mjs) so that it starts without the
 * TypeScript toolchain. What it repeats of lib/kernel/auth (roles, claims, the embedded secret, the
 * lifetime cap) is held to the TypeScript side here: every token it mints must pass the
 * services' own verifier, with the claims signToken would have written.
 */
const script = path.resolve(__dirname, '../../scripts/token.mjs');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runScript(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    // Only what the script reads: a developer's own JWT_* variables must not leak in.
    const childEnv = { PATH: process.env.PATH ?? '', ...env };
    execFile(process.execPath, [script, ...args], { env: childEnv, cwd: os.tmpdir() }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code) : 0, stdout, stderr });
    });
  });
}

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crg-token-'));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

test('npm run token runs the plain script with node, not the TypeScript toolchain', () => {
  const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  expect(manifest.scripts.token).toBe('node scripts/token.mjs');
});

test("a token for every role, on the embedded secret it creates, passes the verifier with signToken's claims", async () => {
  for (const role of ROLES) {
    const run = await runScript(['--role', role, '--area', '510108000000', '--org', 'org-1'], { DATA_DIR: dataDir });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const token = run.stdout.trim();
    // The services read the same file the script created (or found) under DATA_DIR.
    const jwt = resolveJwtConfig(loadConfig({ DATA_DIR: dataDir }).jwt, path.resolve(dataDir));
    const verify = await createTokenVerifier(jwt);
    const sub = `demo-${role.toLowerCase()}-510108000000`;
    expect(await verify(`Bearer ${token}`)).toEqual({
      anonymous: false,
      id: sub,
      name: sub,
      roles: [role],
      area: '510108000000',
      org: 'org-1',
    });
    const expected = await signToken(jwt.secret!, { sub, name: sub, roles: [role], area: '510108000000', org: 'org-1' });
    const { iat, exp, ...claims } = decodeJwt(token);
    const { iat: expectedIat, exp: expectedExp, ...expectedClaims } = decodeJwt(expected);
    expect(claims).toEqual(expectedClaims);
    expect(exp! - iat!).toBe(expectedExp! - expectedIat!);
    expect(decodeProtectedHeader(token)).toEqual(decodeProtectedHeader(expected));
  }
});

test('JWT_SECRET, several roles, --sub, --name and --ttl as the TypeScript command took them', async () => {
  const secret = 's'.repeat(40);
  const run = await runScript(
    ['--role', 'ORG_ADMIN', '--role', 'EVALUATOR', '--area', '510107001001', '--sub', 'u-7', '--name', '王芳', '--ttl', '30m'],
    { DATA_DIR: dataDir, JWT_SECRET: secret },
  );
  expect(run.code).toBe(0);
  const verify = await createTokenVerifier(loadConfig({ JWT_SECRET: secret }).jwt);
  expect(await verify(`Bearer ${run.stdout.trim()}`)).toEqual({
    anonymous: false,
    id: 'u-7',
    name: '王芳',
    roles: ['ORG_ADMIN', 'EVALUATOR'],
    area: '510107001001',
    org: undefined,
  });
  const { iat, exp, org } = decodeJwt(run.stdout.trim());
  expect(exp! - iat!).toBe(1800);
  expect(org).toBeUndefined();
  // JWT_SECRET set: no embedded secret is created.
  expect(fs.existsSync(path.join(dataDir, 'jwt-secret'))).toBe(false);
});

test('the usage lists exactly the roles the services know; bad arguments exit 2 and mint nothing', async () => {
  const env = { DATA_DIR: dataDir };
  const none = await runScript([], env);
  expect(none.code).toBe(2);
  expect(none.stdout).toBe('');
  expect(none.stderr).toContain('Give at least one --role.');
  expect(/Roles: (.*)/.exec(none.stderr)![1]!.split(', ')).toEqual([...ROLES]);

  const refusals: Array<[string[], Record<string, string>, string]> = [
    [['--role', 'MAYOR', '--area', '510108000000'], env, 'Unknown role MAYOR.'],
    [['--role', 'RESIDENT', '--area', '000108000000'], env, '--area must be a 12-digit division code'],
    [['--role', 'RESIDENT', '--area', '510108000000', '--ttl', '8 hours'], env, '--ttl must look like 30m, 8h or 7d.'],
    [['--role', 'RESIDENT', '--area', '510108000000', '--ttl', '13h'], env, '--ttl must be above 0 and at most 43200 s (JWT_MAX_TTL).'],
    [['--role', 'RESIDENT', '--area', '510108000000', '--ttl', '2h'], { ...env, JWT_MAX_TTL: '1h' }, 'at most 3600 s (JWT_MAX_TTL)'],
    [['--role', 'RESIDENT', '--area', '510108000000'], { ...env, JWT_MAX_TTL: '5s' }, 'Invalid JWT_MAX_TTL="5s"'],
    [['--role', 'RESIDENT', '--area', '510108000000'], { ...env, JWT_SECRET: 'short' }, 'Invalid JWT_SECRET'],
    [
      ['--role', 'RESIDENT', '--area', '510108000000'],
      { ...env, JWT_JWKS_URL: 'https://idp.example/jwks' },
      'only be minted for an HS256 secret',
    ],
    [['--role', 'RESIDENT', '--area', '510108000000', '--bogus'], env, "Unknown option '--bogus'"],
  ];
  for (const [args, runEnv, message] of refusals) {
    const run = await runScript(args, runEnv);
    expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 2, stdout: '' });
    expect(run.stderr).toContain(message);
  }
  // With a real identity provider's key configured, no embedded secret is invented.
  expect(fs.existsSync(path.join(dataDir, 'jwt-secret'))).toBe(false);
});
