import type { OrganizationStatus } from './generated/prisma/enums';

/**
 * The status workflow as a table: from each status, the statuses it may move to. ABNORMAL is the
 * abnormal-activity list (活动异常名录); REVOKED (撤销登记) can be set back to ACTIVE by the
 * authority on review; DEREGISTERED (注销) is final.
 */
export const STATUS_TRANSITIONS: Readonly<Record<OrganizationStatus, readonly OrganizationStatus[]>> = {
  ACTIVE: ['ABNORMAL', 'REVOKED', 'DEREGISTERED'],
  ABNORMAL: ['ACTIVE', 'REVOKED', 'DEREGISTERED'],
  REVOKED: ['ACTIVE', 'DEREGISTERED'],
  DEREGISTERED: [],
};

export function canTransition(from: OrganizationStatus, to: OrganizationStatus): boolean {
  return STATUS_TRANSITIONS[from].includes(to);
}
