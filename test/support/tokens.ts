import { signToken, type Role, type TokenClaims, type SignedInViewer } from '../../lib/kernel/auth';

/** The HS256 secret every test service is configured with. */
export const TEST_SECRET = 'test-secret-for-community-resource-graph-0001';

export function tokenFor(claims: Partial<TokenClaims> & { roles: Role[]; area: string }, ttl: string | number = '1h'): Promise<string> {
  return signToken(TEST_SECRET, { sub: claims.sub ?? `${claims.roles[0]!.toLowerCase()}-${claims.area}`, ...claims }, ttl);
}

/** A verified caller as resolvers see it (executeOperation tests). */
export function viewer(claims: { roles: Role[]; area: string; org?: string; id?: string }): SignedInViewer {
  return { anonymous: false, id: claims.id ?? `${claims.roles[0]!.toLowerCase()}-${claims.area}`, name: 'Test', org: undefined, ...claims };
}
