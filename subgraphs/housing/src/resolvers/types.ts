import { money } from '../../../../lib/money';
import { seesActors } from '../access';
import type {
  AuditEntryResolvers,
  BuybackResolvers,
  ClearanceReasonResolvers,
  DevelopmentResolvers,
  InspectionResolvers,
  InspectionSignatureResolvers,
  LeaseResolvers,
  PremisesComplianceResolvers,
  PremisesResolvers,
  ReferencePriceResolvers,
  SalesPermitClearanceResolvers,
  SignOffResolvers,
} from '../generated/graphql';
import { areaShortBy } from '../rules';
import { buyback, handover } from '../workflow';

export const Development: DevelopmentResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.development.load(reference.id),
  developer: (development) => ({ id: development.developerId }),
  community: (development) => ({ code: development.communityCode }),
  premises: (development, _, { loaders }) => loaders.premisesOfDevelopment.load(development.id),
};

export const Premises: PremisesResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.premises.load(reference.id),
  development: async (premises, _, { loaders }) => (await loaders.development.load(premises.developmentId))!,
  nextStates: (premises) => handover.next(premises.state),
  signOffs: (premises, _, { loaders }) => loaders.signOffs.load(premises.id),
  inspections: (premises, _, { loaders }) => loaders.inspections.load(premises.id),
  titleTransfer: (premises) =>
    premises.titleCertificate && premises.titleTransferredOn
      ? { certificateNumber: premises.titleCertificate, transferredOn: premises.titleTransferredOn }
      : null,
  buyback: (premises, _, { loaders }) => loaders.buyback.load(premises.id),
  auditTrail: (premises, _, { loaders }) => loaders.auditTrail.load(premises.id),
};

/** Token subjects are shown only to callers whose jurisdiction covers the community. */
export const SignOff: SignOffResolvers = {
  actor: (signOff, _, { viewer }) => (seesActors(viewer, signOff.communityCode) ? signOff.actor : null),
};

export const InspectionSignature: InspectionSignatureResolvers = {
  actor: (signature, _, { viewer }) => (seesActors(viewer, signature.communityCode) ? signature.actor : null),
};

export const AuditEntry: AuditEntryResolvers = {
  actor: (entry, _, { viewer }) => (seesActors(viewer, entry.communityCode) ? entry.actor : null),
};

export const Inspection: InspectionResolvers = {
  areaShortBy: (inspection) => areaShortBy(inspection.plannedArea, inspection.measuredArea),
  signatures: (inspection, _, { loaders }) => loaders.inspectionSignatures.load(inspection.id),
};

export const Buyback: BuybackResolvers = {
  nextStates: (row) => buyback.next(row.state).filter((state) => state !== 'NOT_VALUED') as ('VALUED' | 'APPROVED' | 'PAID')[],
  unitPrice: (row) => money(row.unitPrice),
  amount: (row) => money(row.amount),
};

export const ReferencePrice: ReferencePriceResolvers = {
  unitPrice: (price) => money(price.unitPrice),
};

export const Lease: LeaseResolvers = {
  community: (lease) => ({ code: lease.communityCode }),
  monthlyRent: (lease) => money(lease.monthlyRent),
};

export const PremisesCompliance: PremisesComplianceResolvers = {
  community: (compliance) => ({ code: compliance.communityCode }),
  compliant: (compliance) => compliance.shortfall === '0.00',
};

export const SalesPermitClearance: SalesPermitClearanceResolvers = {};

export const ClearanceReason: ClearanceReasonResolvers = {
  premises: (reason, _, { loaders }) => (reason.premisesId ? loaders.premises.load(reason.premisesId) : null),
};
