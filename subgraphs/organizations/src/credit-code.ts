import type { OrganizationKind } from './generated/prisma/enums';

/**
 * The first two characters each kind's code must start with: civil affairs registers with
 * authority 5 (51 social associations, 52 social service agencies, 53 foundations), enterprises
 * are 91, public institutions 12, government agencies 11. Filed community-level organisations
 * (备案) have no code.
 */
export const CREDIT_CODE_PREFIX_BY_KIND = {
  SOCIAL_ASSOCIATION: '51',
  SOCIAL_SERVICE_AGENCY: '52',
  FOUNDATION: '53',
  ENTERPRISE: '91',
  PUBLIC_INSTITUTION: '12',
  GOVERNMENT_AGENCY: '11',
  COMMUNITY_FILED: null,
} as const satisfies Record<OrganizationKind, string | null>;
