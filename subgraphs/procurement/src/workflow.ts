import type { Role } from '../../../lib/kernel/auth';
import { defineWorkflow, requireText } from '../../../lib/kernel/workflow';
import type { ContractStatus, TenderStatus } from './generated/prisma/enums';

/** Purchasing officers: procurement officers of the agency and city administrators (jurisdiction checked by the caller). */
export const PURCHASER_ROLES: readonly Role[] = ['PROCUREMENT_OFFICER', 'CITY_ADMIN'];

/**
 * A tender: ACTIVE until evaluated after its deadline, then AWARDED or UNSUCCESSFUL (流标:
 * too few qualified bids); the purchaser may cancel it while active, with a reason.
 */
export const tenderWorkflow = defineWorkflow<TenderStatus, { reason?: string | null }>('A tender', [
  { from: 'ACTIVE', to: 'AWARDED', roles: PURCHASER_ROLES },
  { from: 'ACTIVE', to: 'UNSUCCESSFUL', roles: PURCHASER_ROLES },
  { from: 'ACTIVE', to: 'CANCELLED', roles: PURCHASER_ROLES, requires: (input) => requireText('input.reason', 'A reason')(input.reason) },
]);

/**
 * A contract: PENDING until signed (ACTIVE, within 30 days of the award notice), then COMPLETED
 * or TERMINATED with a reason; an unsigned contract may be terminated too.
 */
export const contractWorkflow = defineWorkflow<ContractStatus, { reason?: string | null }>('A contract', [
  { from: 'PENDING', to: 'ACTIVE', roles: PURCHASER_ROLES },
  {
    from: 'PENDING',
    to: 'TERMINATED',
    roles: PURCHASER_ROLES,
    requires: (input) => requireText('input.reason', 'A termination reason')(input.reason),
  },
  { from: 'ACTIVE', to: 'COMPLETED', roles: PURCHASER_ROLES },
  {
    from: 'ACTIVE',
    to: 'TERMINATED',
    roles: PURCHASER_ROLES,
    requires: (input) => requireText('input.reason', 'A termination reason')(input.reason),
  },
]);
