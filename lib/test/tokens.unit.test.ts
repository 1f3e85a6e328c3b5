import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { createTokenVerifier, signToken } from '../auth/tokens';

const claims = { roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510108000000', name: '王芳' };
const jwt = { secret: undefined, publicKeyPem: undefined, jwksUrl: undefined, issuer: undefined, audience: undefined, maxTtlSeconds: 12 * 3600, clockToleranceSeconds: 60 };

test('HS256: no header is anonymous, a good token is the caller, a bad one is 401', async () => {
  const secret = 'a'.repeat(40);
  const verify = await createTokenVerifier({ ...jwt, secret });
  expect(await verify(undefined)).toEqual({ anonymous: true });
  const token = await signToken(secret, { sub: 'u1', ...claims, roles: ['DISTRICT_CIVIL_AFFAIRS'], org: 'org-1' });
  expect(await verify(`Bearer ${token}`)).toEqual({ anonymous: false, id: 'u1', name: '王芳', roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510108000000', org: 'org-1' });
  await expect(verify(`Bearer ${token}x`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
});

test('issuer and audience are enforced when configured', async () => {
  const secret = 'b'.repeat(40);
  const verify = await createTokenVerifier({ ...jwt, secret, issuer: 'https://idp.example', audience: 'crg' });
  const key = new TextEncoder().encode(secret);
  const good = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setIssuer('https://idp.example').setAudience('crg').setExpirationTime('5m').sign(key);
  expect((await verify(`Bearer ${good}`)).anonymous).toBe(false);
  const wrongAudience = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setIssuer('https://idp.example').setAudience('other').setExpirationTime('5m').sign(key);
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
    const token = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('u3').setExpirationTime('5m').sign(privateKey);
    expect(await verify(`Bearer ${token}`)).toMatchObject({ id: 'u3' });
  } finally {
    server.close();
  }
});

describe('lifetimes', () => {
  const secret = 'd'.repeat(40);
  const key = new TextEncoder().encode(secret);
  const now = () => Math.floor(Date.now() / 1000);
  const sign = (build: (jwt: SignJWT) => SignJWT) => build(new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('u')).sign(key);

  test('a token without exp is refused: it would be valid forever', async () => {
    const verify = await createTokenVerifier({ ...jwt, secret });
    const forever = await sign((t) => t.setIssuedAt());
    await expect(verify(`Bearer ${forever}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  });

  test('a lifetime above JWT_MAX_TTL is refused, one at the maximum is accepted', async () => {
    const verify = await createTokenVerifier({ ...jwt, secret, maxTtlSeconds: 3600 });
    const atMax = await sign((t) => t.setIssuedAt(now()).setExpirationTime(now() + 3600));
    expect((await verify(`Bearer ${atMax}`)).anonymous).toBe(false);
    const tooLong = await sign((t) => t.setIssuedAt(now()).setExpirationTime(now() + 3601));
    await expect(verify(`Bearer ${tooLong}`)).rejects.toThrow(/longer than the 3600 s/);
    // Without iat, the lifetime counts from now.
    const noIat = await sign((t) => t.setExpirationTime(now() + 7200));
    await expect(verify(`Bearer ${noIat}`)).rejects.toThrow(/longer than/);
  });

  test('iat and nbf beyond the clock tolerance are refused; within it they pass', async () => {
    const verify = await createTokenVerifier({ ...jwt, secret, clockToleranceSeconds: 60 });
    const yearAhead = await sign((t) => t.setIssuedAt(now() + 365 * 86400).setExpirationTime(now() + 365 * 86400 + 600));
    await expect(verify(`Bearer ${yearAhead}`)).rejects.toThrow(/issued in the future/);
    const slightlyAhead = await sign((t) => t.setIssuedAt(now() + 30).setExpirationTime(now() + 600));
    expect((await verify(`Bearer ${slightlyAhead}`)).anonymous).toBe(false);
    const notYet = await sign((t) => t.setIssuedAt(now()).setNotBefore(now() + 600).setExpirationTime(now() + 1200));
    await expect(verify(`Bearer ${notYet}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});
