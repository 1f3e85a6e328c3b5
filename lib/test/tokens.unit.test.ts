import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { createTokenVerifier, signToken } from '../auth/tokens';

const claims = { roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510108000000', name: '王芳' };
const jwt = { secret: undefined, publicKeyPem: undefined, jwksUrl: undefined, issuer: undefined, audience: undefined };

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
