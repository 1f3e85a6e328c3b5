import type { Role } from '../../../lib/kernel/auth';
import { defineWorkflow, requireText, type Transition } from '../../../lib/kernel/workflow';
import type { OrganizationStatus } from './generated/prisma/enums';

/** The registering authority: civil-affairs officers and city administrators (jurisdiction checked by the caller). */
const AUTHORITY: readonly Role[] = ['DISTRICT_CIVIL_AFFAIRS', 'CITY_ADMIN'];
const reason = requireText('input.reason', 'A reason');

const step = (from: OrganizationStatus, to: OrganizationStatus): Transition<OrganizationStatus, { reason?: string | null }> => ({
  from,
  to,
  roles: AUTHORITY,
  requires: (input) => reason(input.reason),
});

/**
 * The status workflow. ABNORMAL is the abnormal-activity list (活动异常名录); REVOKED (撤销登记)
 * can be set back to ACTIVE by the authority on review, with a reason; DEREGISTERED (注销) is
 * final. Every step is the authority's and needs a reason, kept in the status history.
 */
export const organizationStatus = defineWorkflow<OrganizationStatus, { reason?: string | null }>('An organisation', [
  step('ACTIVE', 'ABNORMAL'),
  step('ACTIVE', 'REVOKED'),
  step('ACTIVE', 'DEREGISTERED'),
  step('ABNORMAL', 'ACTIVE'),
  step('ABNORMAL', 'REVOKED'),
  step('ABNORMAL', 'DEREGISTERED'),
  step('REVOKED', 'ACTIVE'),
  step('REVOKED', 'DEREGISTERED'),
]);
