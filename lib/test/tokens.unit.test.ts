import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt, decodeProtectedHeader, exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { createTokenVerifier, embeddedSecret, resolveJwtConfig, signToken } from '../kernel/auth/tokens';

const claims = { roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510108000000', name: '王芳' };
const jwt = {
  secret: undefined,
  publicKeyPem: undefined,
  jwksUrl: undefined,
  issuer: undefined,
  audience: undefined,
  maxTtlSeconds: 12 * 3600,
  clockToleranceSeconds: 60,
};

test('HS256: no header is anonymous, a good token is the caller, a bad one is 401', async () => {
  const secret = 'a'.repeat(40);
  const verify = await createTokenVerifier({ ...jwt, secret });
  expect(await verify(undefined)).toEqual({ anonymous: true });
  const token = await signToken(secret, { sub: 'u1', ...claims, roles: ['DISTRICT_CIVIL_AFFAIRS'], org: 'org-1' });
  expect(await verify(`Bearer ${token}`)).toEqual({
    anonymous: false,
    id: 'u1',
    name: '王芳',
    roles: ['DISTRICT_CIVIL_AFFAIRS'],
    area: '510108000000',
    org: 'org-1',
  });
  await expect(verify(`Bearer ${token}x`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
});

test('issuer and audience are enforced when configured', async () => {
  const secret = 'b'.repeat(40);
  const verify = await createTokenVerifier({ ...jwt, secret, issuer: 'https://idp.example', audience: 'crg' });
  const key = new TextEncoder().encode(secret);
  const good = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('u')
    .setIssuer('https://idp.example')
    .setAudience('crg')
    .setExpirationTime('5m')
    .sign(key);
  expect((await verify(`Bearer ${good}`)).anonymous).toBe(false);
  const wrongAudience = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('u')
    .setIssuer('https://idp.example')
    .setAudience('other')
    .setExpirationTime('5m')
    .sign(key);
  await expect(verify(`Bearer ${wrongAudience}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
});

test('RS256 with a PEM public key; an HS256 token cannot pass for it', async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const verify = await createTokenVerifier({ ...jwt, publicKeyPem: await exportSPKI(publicKey) });
  const token = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).setSubject('u2').setExpirationTime('5m').sign(privateKey);
  expect(await verify(`Bearer ${token}`)).toMatchObject({ id: 'u2', area: '510108000000' });
  const hs = await signToken('c'.repeat(40), { sub: 'u2', roles: ['CITY_ADMIN'], area: '510100000000' });
  await expect(verify(`Bearer ${hs}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
});

test('RS256 from a JWKS endpoint', async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const server = http.createServer((_, res) => res.end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const verify = await createTokenVerifier({ ...jwt, jwksUrl: `http://127.0.0.1:${port}/jwks.json` });
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('u3')
      .setExpirationTime('5m')
      .sign(privateKey);
    expect(await verify(`Bearer ${token}`)).toMatchObject({ id: 'u3' });
  } finally {
    server.close();
  }
});

describe('lifetimes', () => {
  const secret = 'd'.repeat(40);
  const key = new TextEncoder().encode(secret);
  const now = () => Math.floor(Date.now() / 1000);
  const sign = (build: (jwt: SignJWT) => SignJWT) =>
    build(new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('u')).sign(key);

  test('a token without exp is refused: it would be valid forever', async () => {
    const verify = await createTokenVerifier({ ...jwt, secret });
    const forever = await sign((t) => t.setIssuedAt());
    await expect(verify(`Bearer ${forever}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  });

  test('a lifetime above JWT_MAX_TTL is refused, one at the maximum is accepted', async () => {
    const verify = await createTokenVerifier({ ...jwt, secret, maxTtlSeconds: 3600 });
    const issued = now();
    const atMax = await sign((t) => t.setIssuedAt(issued).setExpirationTime(issued + 3600));
    expect((await verify(`Bearer ${atMax}`)).anonymous).toBe(false);
    const tooLong = await sign((t) => t.setIssuedAt(now()).setExpirationTime(now() + 3601));
    await expect(verify(`Bearer ${tooLong}`)).rejects.toThrow(/longer than the 3600 s/);
    // Without iat, the lifetime counts from now.
    const noIat = await sign((t) => t.setExpirationTime(now() + 7200));
    await expect(verify(`Bearer ${noIat}`)).rejects.toThrow(/longer than/);
  });

  test('with iat, the lifetime counts from iat: a token issued 1000 s ago that lives 4000 s is refused though 3000 s remain', async () => {
    const verify = await createTokenVerifier({ ...jwt, secret, maxTtlSeconds: 3600 });
    const issued = now() - 1000;
    const old = await sign((t) => t.setIssuedAt(issued).setExpirationTime(issued + 4000));
    await expect(verify(`Bearer ${old}`)).rejects.toThrow('The bearer token lives longer than the 3600 s allowed (JWT_MAX_TTL).');
    const fits = await sign((t) => t.setIssuedAt(issued).setExpirationTime(issued + 3600));
    expect((await verify(`Bearer ${fits}`)).anonymous).toBe(false);
  });

  test('an iat exactly at the clock tolerance passes, one second later is refused (the clock held still)', async () => {
    // Only Date is faked: jose's crypto and Jest's own timers keep running.
    jest.useFakeTimers({
      now: new Date('2026-11-26T10:00:00Z'),
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    });
    try {
      const verify = await createTokenVerifier({ ...jwt, secret, clockToleranceSeconds: 60 });
      const edge = now() + 60;
      expect((await verify(`Bearer ${await sign((t) => t.setIssuedAt(edge).setExpirationTime(edge + 600))}`)).anonymous).toBe(false);
      await expect(verify(`Bearer ${await sign((t) => t.setIssuedAt(edge + 1).setExpirationTime(edge + 601))}`)).rejects.toThrow(
        /issued in the future/,
      );
    } finally {
      jest.useRealTimers();
    }
  });

  test('iat and nbf beyond the clock tolerance are refused; within it they pass', async () => {
    const verify = await createTokenVerifier({ ...jwt, secret, clockToleranceSeconds: 60 });
    const yearAhead = await sign((t) => t.setIssuedAt(now() + 365 * 86400).setExpirationTime(now() + 365 * 86400 + 600));
    await expect(verify(`Bearer ${yearAhead}`)).rejects.toThrow(/issued in the future/);
    const slightlyAhead = await sign((t) => t.setIssuedAt(now() + 30).setExpirationTime(now() + 600));
    expect((await verify(`Bearer ${slightlyAhead}`)).anonymous).toBe(false);
    const notYet = await sign((t) =>
      t
        .setIssuedAt(now())
        .setNotBefore(now() + 600)
        .setExpirationTime(now() + 1200),
    );
    await expect(verify(`Bearer ${notYet}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});

describe('the Authorization header', () => {
  const secret = 'e'.repeat(40);
  const notBearer = /must be "Bearer <token>"/;

  test('empty or blank is anonymous; the scheme is case-insensitive and spaces around the token are allowed', async () => {
    const verify = await createTokenVerifier({ ...jwt, secret });
    expect(await verify('')).toEqual({ anonymous: true });
    expect(await verify('   ')).toEqual({ anonymous: true });
    const token = await signToken(secret, { sub: 'u5', ...claims, roles: ['CITY_ADMIN'] });
    for (const header of [`bearer ${token}`, `Bearer   ${token}`, `  Bearer ${token}  `]) {
      expect(await verify(header)).toMatchObject({ anonymous: false, id: 'u5' });
    }
  });

  test('anything but "Bearer <token>" is refused as such, before the token is looked at', async () => {
    const verify = await createTokenVerifier({ ...jwt, secret });
    const token = await signToken(secret, { sub: 'u5', ...claims, roles: ['CITY_ADMIN'] });
    for (const header of [`Basic ${token}`, `xBearer ${token}`, `Bearer ${token} ${token}`, 'Bearer', `Bearer${token}`]) {
      await expect(verify(header)).rejects.toThrow(notBearer);
    }
    await expect(verify(`Bearer ${token}x`)).rejects.toThrow('The bearer token is not valid.');
  });

  test('an expired token is refused as expired, a forged one as not valid', async () => {
    const verify = await createTokenVerifier({ ...jwt, secret, clockToleranceSeconds: 0 });
    const key = new TextEncoder().encode(secret);
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setIssuedAt(now - 600)
      .setExpirationTime(now - 300)
      .sign(key);
    await expect(verify(`Bearer ${expired}`)).rejects.toThrow('The bearer token has expired.');
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('f'.repeat(40)));
    await expect(verify(`Bearer ${forged}`)).rejects.toThrow('The bearer token is not valid.');
  });
});

describe('claims', () => {
  const secret = 'g'.repeat(40);
  const key = new TextEncoder().encode(secret);
  const sign = (payload: Record<string, unknown>, subject?: string) => {
    const builder = new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m');
    return (subject === undefined ? builder : builder.setSubject(subject)).sign(key);
  };

  test('a token without a subject, or with an empty one, is refused (401)', async () => {
    const verify = await createTokenVerifier({ ...jwt, secret });
    for (const token of [await sign(claims), await sign(claims, ''), await sign({ ...claims, sub: 7 })]) {
      const failure = verify(`Bearer ${token}`);
      await expect(failure).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
      await expect(failure).rejects.toThrow('The bearer token has no subject.');
    }
  });

  test('without a name the caller is named by the subject; org is optional', async () => {
    const verify = await createTokenVerifier({ ...jwt, secret });
    expect(await verify(`Bearer ${await sign({ roles: ['RESIDENT'], area: '510108001001' }, 'u6')}`)).toEqual({
      anonymous: false,
      id: 'u6',
      name: 'u6',
      roles: ['RESIDENT'],
      area: '510108001001',
      org: undefined,
    });
    expect(await verify(`Bearer ${await sign({ roles: ['RESIDENT'], area: '510108001001', name: 7 }, 'u7')}`)).toMatchObject({
      name: 'u7',
    });
  });

  test.each([
    ['roles', { roles: [], area: '510100000000' }, "The bearer token's roles must be a non-empty list from RESIDENT, COMMUNITY_WORKER,"],
    ['area', { roles: ['CITY_ADMIN'], area: '5101' }, "The bearer token's area must be a 12-digit division code."],
    ['area', { roles: ['CITY_ADMIN'], area: 510100000000 }, "The bearer token's area must be a 12-digit division code."],
    ['org', { roles: ['ORG_ADMIN'], area: '510100000000', org: 7 }, "The bearer token's org must be a string."],
  ])('a bad %s claim is refused with a message naming it', async (_, payload, message) => {
    const verify = await createTokenVerifier({ ...jwt, secret });
    await expect(verify(`Bearer ${await sign(payload, 'u8')}`)).rejects.toThrow(message);
  });
});

describe('keys', () => {
  test('with no key configured, the verifier is not built', async () => {
    await expect(createTokenVerifier(jwt)).rejects.toThrow('No JWT key configured: set JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL.');
  });

  test('signToken mints an HS256 JWT for eight hours by default, the subject in sub', async () => {
    const token = await signToken('h'.repeat(40), { sub: 'u9', roles: ['RESIDENT'], area: '510108001001' });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const payload = decodeJwt(token);
    expect(payload).toMatchObject({ sub: 'u9', roles: ['RESIDENT'], area: '510108001001' });
    expect(payload.exp! - payload.iat!).toBe(8 * 3600);
    const short = decodeJwt(await signToken('h'.repeat(40), { sub: 'u9', roles: ['RESIDENT'], area: '510108001001' }, '90s'));
    expect(short.exp! - short.iat!).toBe(90);
  });

  test('the embedded secret is created once under the data directory (mode 600) and reused', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'crg-secret-'));
    try {
      const dataDir = path.join(root, 'nested', 'data');
      const secret = embeddedSecret(dataDir);
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const file = path.join(dataDir, 'jwt-secret');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(embeddedSecret(dataDir)).toBe(secret);
      fs.writeFileSync(file, '  kept  \n');
      expect(embeddedSecret(dataDir)).toBe('kept');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('a secret file that appears between the check and the write is read, never overwritten', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'crg-secret-'));
    try {
      // A dangling link does not exist for existsSync but does for the exclusive create: the
      // write is refused with EEXIST, as when another process created the file meanwhile, and
      // the file is read (here: fails, since the link leads nowhere) instead of replaced.
      fs.symlinkSync(path.join(root, 'elsewhere'), path.join(root, 'jwt-secret'));
      expect(() => embeddedSecret(root)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
      expect(fs.lstatSync(path.join(root, 'jwt-secret')).isSymbolicLink()).toBe(true);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('a secret another process wrote between the check and the write is the one used, trimmed, and kept as written', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'crg-secret-'));
    const file = path.join(root, 'jwt-secret');
    fs.writeFileSync(file, '  theirs  \n');
    // The race made deterministic: the check runs as if just before the other process wrote.
    const check = jest.spyOn(fs, 'existsSync').mockReturnValueOnce(false);
    try {
      expect(embeddedSecret(root)).toBe('theirs');
      expect(check).toHaveBeenCalledWith(file);
      expect(fs.readFileSync(file, 'utf8')).toBe('  theirs  \n');
    } finally {
      check.mockRestore();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('resolveJwtConfig keeps a configured key and falls back to the embedded secret only without one', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'crg-secret-'));
    try {
      for (const configured of [
        { ...jwt, secret: 's'.repeat(40) },
        { ...jwt, publicKeyPem: 'PEM' },
        { ...jwt, jwksUrl: 'https://idp.example/jwks' },
      ]) {
        expect(resolveJwtConfig(configured, root)).toBe(configured);
      }
      expect(fs.existsSync(path.join(root, 'jwt-secret'))).toBe(false);
      const resolved = resolveJwtConfig(jwt, root);
      expect(resolved).toEqual({ ...jwt, secret: fs.readFileSync(path.join(root, 'jwt-secret'), 'utf8') });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
