import { SignJWT } from 'jose';
import { createTokenVerifier } from '../kernel/auth/tokens';
import { isForeignKeyViolation, isUniqueViolation } from '../runtime/db/prisma-errors';
import { toConnection } from '../runtime/connections';

/** Rules a mutation audit (issue 12) found untested, at the unit level. */

describe('database error codes', () => {
  test.each([
    ['Prisma P2002 (pg adapter)', true, { code: 'P2002' }],
    ['SQLSTATE 23505 (PGlite adapter)', true, { code: '23505' }],
    ['a foreign-key violation', false, { code: '23503' }],
    ['another Prisma error', false, { code: 'P2025' }],
    ['an error without a code', false, new Error('boom')],
    ['null', false, null],
  ])('isUniqueViolation: %s → %s', (_, expected, error) => {
    expect(isUniqueViolation(error)).toBe(expected);
  });

  test.each([
    ['Prisma P2003 (pg adapter)', true, { code: 'P2003' }],
    ['SQLSTATE 23503 (PGlite adapter)', true, { code: '23503' }],
    ['a duplicate', false, { code: '23505' }],
    ['undefined', false, undefined],
  ])('isForeignKeyViolation: %s → %s', (_, expected, error) => {
    expect(isForeignKeyViolation(error)).toBe(expected);
  });
});

describe('hasNextPage', () => {
  const page = (first: number) => ({ first, after: undefined });
  const rows = (n: number) => Array.from({ length: n }, (_, i) => String(i));
  const connection = (n: number, first: number) =>
    toConnection(
      rows(n),
      page(first),
      (row) => [row],
      async () => n,
    );

  test('a page exactly full (no extra row fetched) has no next page; one extra row means there is one', () => {
    expect(connection(3, 3).pageInfo.hasNextPage).toBe(false);
    expect(connection(4, 3).pageInfo.hasNextPage).toBe(true);
    expect(connection(4, 3).edges).toHaveLength(3);
    expect(connection(2, 3).pageInfo.hasNextPage).toBe(false);
  });

  test('an empty page has no next page and no start or end cursor', () => {
    expect(connection(0, 3).pageInfo).toEqual({ hasPreviousPage: false, hasNextPage: false, startCursor: null, endCursor: null });
    expect(connection(1, 0).pageInfo).toEqual({ hasPreviousPage: false, hasNextPage: true, startCursor: null, endCursor: null });
  });
});

describe('token claims', () => {
  const secret = 'c'.repeat(40);
  const key = new TextEncoder().encode(secret);
  const jwt = {
    secret,
    publicKeyPem: undefined,
    jwksUrl: undefined,
    issuer: 'https://idp.example',
    audience: undefined,
    maxTtlSeconds: 3600,
    clockToleranceSeconds: 60,
  };
  const sign = (claims: Record<string, unknown>, issuer?: string) => {
    const builder = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setExpirationTime('5m');
    return (issuer ? builder.setIssuer(issuer) : builder).sign(key);
  };
  const rejected = { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } };

  test('with an issuer configured, a token from another issuer or from none is refused (401)', async () => {
    const verify = await createTokenVerifier(jwt);
    const claims = { roles: ['CITY_ADMIN'], area: '510100000000' };
    expect(await verify(`Bearer ${await sign(claims, 'https://idp.example')}`)).toMatchObject({ anonymous: false, id: 'u1' });
    await expect(verify(`Bearer ${await sign(claims, 'https://idp.elsewhere')}`)).rejects.toMatchObject(rejected);
    await expect(verify(`Bearer ${await sign(claims)}`)).rejects.toMatchObject(rejected);
  });

  test.each([
    ['an empty roles list', { roles: [], area: '510100000000' }, /roles/],
    ['roles that are not a list', { roles: 'CITY_ADMIN', area: '510100000000' }, /roles/],
    ['one unknown role among known ones', { roles: ['CITY_ADMIN', 'EMPEROR'], area: '510100000000' }, /roles/],
    ['no area', { roles: ['CITY_ADMIN'] }, /area/],
    ['an org that is not a string', { roles: ['ORG_ADMIN'], area: '510100000000', org: 7 }, /org/],
  ])('a token with %s is refused (401)', async (_, claims, message) => {
    const verify = await createTokenVerifier(jwt);
    const failure = verify(`Bearer ${await sign(claims, 'https://idp.example')}`);
    await expect(failure).rejects.toMatchObject(rejected);
    await expect(failure).rejects.toThrow(message);
  });
});
