import type { Role } from '../../../lib/kernel/auth';
import { defineWorkflow, requireText } from '../../../lib/kernel/workflow';
import type { BuybackState, PremisesState } from './generated/prisma/enums';

/** The two offices that sign plans and inspect premises. */
export const SIGNERS: readonly Role[] = ['DISTRICT_CIVIL_AFFAIRS', 'STREET_OFFICER'];

/** What a step may carry from the request. */
export interface StepInput {
  description?: string | null;
  titleCertificateNumber?: string | null;
  paymentReference?: string | null;
}

/**
 * The handover of community premises, plan to use. PLANNED → PLAN_APPROVED is taken only when
 * the second of the two sign-offs is recorded; the outcome of an inspection is applied only when
 * the second inspector countersigns.
 */
export const handover = defineWorkflow<PremisesState, StepInput>('Premises handover', [
  { from: 'PLANNED', to: 'PLAN_APPROVED', roles: SIGNERS },
  { from: 'PLAN_APPROVED', to: 'PUBLICLY_NOTICED', roles: SIGNERS },
  { from: 'PUBLICLY_NOTICED', to: 'UNDER_CONSTRUCTION', roles: ['DEVELOPER'] },
  { from: 'UNDER_CONSTRUCTION', to: 'INSPECTION_REQUESTED', roles: ['DEVELOPER'] },
  { from: 'INSPECTION_REQUESTED', to: 'ACCEPTED', roles: SIGNERS },
  { from: 'INSPECTION_REQUESTED', to: 'REJECTED', roles: SIGNERS },
  {
    from: 'REJECTED',
    to: 'RECTIFIED',
    roles: ['DEVELOPER'],
    requires: (input) => requireText('input.description', 'A description of what was put right')(input.description),
  },
  { from: 'RECTIFIED', to: 'ACCEPTED', roles: SIGNERS },
  { from: 'RECTIFIED', to: 'REJECTED', roles: SIGNERS },
  {
    from: 'ACCEPTED',
    to: 'HANDED_OVER',
    roles: ['DISTRICT_CIVIL_AFFAIRS'],
    requires: (input) => requireText('input.titleCertificateNumber', 'The title certificate number')(input.titleCertificateNumber),
  },
  { from: 'HANDED_OVER', to: 'IN_USE', roles: SIGNERS },
]);

/** A buyback before it is valued has no row; NOT_VALUED stands for that in the table. */
export type BuybackStep = BuybackState | 'NOT_VALUED';

export const buyback = defineWorkflow<BuybackStep, StepInput>('Buyback', [
  { from: 'NOT_VALUED', to: 'VALUED', roles: ['DISTRICT_CIVIL_AFFAIRS'] },
  { from: 'VALUED', to: 'APPROVED', roles: ['CITY_ADMIN'] },
  {
    from: 'APPROVED',
    to: 'PAID',
    roles: ['CITY_ADMIN'],
    requires: (input) => requireText('input.paymentReference', 'The payment reference')(input.paymentReference),
  },
]);

/** States from which the premises count as accepted (the sales permit may be issued). */
export const ACCEPTED_STATES: readonly PremisesState[] = ['ACCEPTED', 'HANDED_OVER', 'IN_USE'];

/** For clearance: the step a premises in each state still lacks on its way to acceptance. */
export const MISSING_STEP: Partial<Record<PremisesState, PremisesState>> = {
  PLANNED: 'PLAN_APPROVED',
  PLAN_APPROVED: 'PUBLICLY_NOTICED',
  PUBLICLY_NOTICED: 'UNDER_CONSTRUCTION',
  UNDER_CONSTRUCTION: 'INSPECTION_REQUESTED',
  INSPECTION_REQUESTED: 'ACCEPTED',
  REJECTED: 'RECTIFIED',
  RECTIFIED: 'ACCEPTED',
};
