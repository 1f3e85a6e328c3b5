import type { Connection } from '../../../lib/runtime/connections';
import type { Prisma } from './generated/prisma/client';
import type { Acquisition, BuybackState, PremisesState, PriceType, PriceZone, SignOffRole } from './generated/prisma/enums';
import type { ClearanceStatus, Defect } from './generated/graphql';

/** What the store returns: dates as YYYY-MM-DD, areas and money as two-decimal strings. */

export interface DevelopmentModel {
  id: string;
  developerId: string;
  communityCode: string;
  name: string;
  landGrantDate: string;
  plannedHouseholds: number;
  acquisition: Acquisition;
}

export interface PremisesModel {
  id: string;
  developmentId: string;
  communityCode: string;
  building: string;
  floor: number;
  unit: string;
  plannedArea: string;
  purpose: string;
  state: PremisesState;
  noticeStartsOn: string | null;
  noticeEndsOn: string | null;
  acceptedArea: string | null;
  titleCertificate: string | null;
  titleTransferredOn: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface SignOffModel {
  premisesId: string;
  communityCode: string;
  role: SignOffRole;
  actor: string;
  area: string;
  signedAt: Date;
}

export interface InspectionSignatureModel {
  inspectionId: string;
  communityCode: string;
  role: SignOffRole;
  actor: string;
  area: string;
  signedAt: Date;
}

/** What an acceptance inspection checks, item by item. */
export interface InspectionItems {
  measuredArea: string;
  locationAsPlanned: boolean;
  aboveGround: boolean;
  regularShape: boolean;
  noPartitions: boolean;
  ownEntrance: boolean;
  utilities: boolean;
}

export interface InspectionModel extends InspectionItems {
  id: string;
  premisesId: string;
  communityCode: string;
  /** The premises' planned area, which the measured area is held against. */
  plannedArea: string;
  round: number;
  defects: Defect[];
  notes: string | null;
  outcome: PremisesState | null;
  recordedAt: Date;
  decidedAt: Date | null;
}

export interface BuybackModel {
  premisesId: string;
  state: BuybackState;
  priceType: PriceType;
  zone: PriceZone;
  referenceYear: number;
  referenceYearReason: string | null;
  unitPrice: string;
  sourceDocument: string;
  area: string;
  amount: string;
  valuedOn: string;
  approvedAt: Date | null;
  paidOn: string | null;
  paymentReference: string | null;
  version: number;
}

export interface AuditEntryModel {
  entityId: string;
  communityCode: string;
  action: string;
  from: string | null;
  to: string | null;
  actor: string;
  actorRole: string;
  actorOrganization: string | null;
  reason: string | null;
  at: Date;
}

export interface ReferencePriceModel {
  city: string;
  year: number;
  priceType: PriceType;
  zone: PriceZone;
  unitPrice: string;
  sourceDocument: string;
  publishedAt: Date;
}

export interface LeaseModel {
  id: string;
  communityCode: string;
  landlord: string;
  address: string;
  area: string;
  monthlyRent: string;
  startsOn: string;
  endsOn: string;
}

export interface PremisesComplianceModel {
  communityCode: string;
  households: number;
  ownedArea: string;
  leasedArea: string;
  requiredArea: string;
  shortfall: string;
}

export interface ClearanceReasonModel {
  premisesId: string | null;
  state: PremisesState | null;
  missingStep: PremisesState;
  message: string;
  /** The latest inspection that rejected the premises, while it has not passed one since. */
  inspection: InspectionModel | null;
  defects: Defect[];
  areaShortBy: string | null;
}

export interface SalesPermitClearanceModel {
  development: DevelopmentModel;
  status: ClearanceStatus;
  reasons: ClearanceReasonModel[];
  checkedAt: Date;
}

export interface ClearanceQueryModel {
  id: string;
  askedBy: string;
  askedArea: string;
  status: ClearanceStatus;
  reasons: string[];
  askedAt: Date;
}

export interface NewDevelopment {
  developerId: string;
  communityCode: string;
  name: string;
  landGrantDate: string;
  plannedHouseholds: number;
  acquisition: Acquisition;
}

export interface NewPremises {
  developmentId: string;
  communityCode: string;
  building: string;
  floor: number;
  unit: string;
  plannedArea: string;
  purpose: string;
}

export interface NewInspection extends InspectionItems {
  notes: string | null;
  defects: Defect[];
}

export interface NewLease {
  communityCode: string;
  landlord: string;
  address: string;
  area: string;
  monthlyRent: string;
  startsOn: string;
  endsOn: string;
}

export interface NewReferencePrice {
  city: string;
  year: number;
  priceType: PriceType;
  zone: PriceZone;
  unitPrice: string;
  sourceDocument: string;
}

/**
 * What a premises step does, decided against the row read inside the transaction (so a refusal
 * writes nothing): the new state (or the same one), the columns to set and the audit action.
 */
export interface PremisesChange {
  to: PremisesState;
  data?: Prisma.PremisesUpdateManyMutationInput;
  action: string;
  reason?: string;
  detail?: Record<string, unknown>;
}

/** What a buyback step does, decided against the premises and buyback read in the transaction: the row to write and the audit action. */
export interface BuybackChange {
  state: BuybackState;
  data: Prisma.BuybackUncheckedCreateInput | Prisma.BuybackUpdateManyMutationInput;
  action: string;
  from: string;
  reason?: string;
}

/** Other subgraphs' entities are known here by their keys. */
export interface CommunityModel {
  code: string;
  households?: number;
}

export interface OrganizationModel {
  id: string;
}

export interface AreaModel {
  code: string;
}

/** Connections carry a lazy totalCount (resolved only when asked). */
export type DevelopmentConnectionModel = Connection<DevelopmentModel>;
export type PremisesConnectionModel = Connection<PremisesModel>;
export type LeaseConnectionModel = Connection<LeaseModel>;
export type ReferencePriceConnectionModel = Connection<ReferencePriceModel>;
export type ClearanceQueryConnectionModel = Connection<ClearanceQueryModel>;
export type PremisesComplianceConnectionModel = Connection<PremisesComplianceModel>;
