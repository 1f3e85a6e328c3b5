import type { Connection } from '../../../lib/runtime/connections';
import type { AwardCriteria, ContractStatus, EvaluationStatus, ProjectStatus, TenderMethod, TenderStatus } from './generated/prisma/enums';
import type { OrganizationKind, PerformanceGrade, ServiceCategory } from './generated/graphql';

/** Rows as the store returns them: amounts as exact decimal strings, dates as YYYY-MM-DD. */

export interface CatalogueItemModel {
  code: string;
  name: string;
  category: ServiceCategory;
}

export interface BudgetLineModel {
  id: string;
  agencyId: string;
  areaCode: string;
  year: number;
  name: string;
  amount: string;
  committed: string;
}

export interface ProcurementProjectModel {
  id: string;
  title: string;
  purchaserId: string;
  purchaserName: string;
  purchaserCreditCode: string | null;
  areaCode: string;
  catalogueCode: string;
  category: ServiceCategory;
  budgetLineId: string;
  serviceContent: string;
  budget: string;
  termMonths: number;
  termJustification: string | null;
  status: ProjectStatus;
  version: number;
  createdAt: Date;
}

export interface TenderModel {
  id: string;
  projectId: string;
  /** The project's area: whose officers read the bids. */
  areaCode: string;
  method: TenderMethod;
  methodChangeReason: string | null;
  awardCriteria: AwardCriteria;
  eligibleKinds: OrganizationKind[];
  minGrade: number | null;
  invitedIds: string[];
  publishedAt: Date;
  opensAt: Date;
  closesAt: Date;
  status: TenderStatus;
  awardedBidId: string | null;
  awardAmount: string | null;
  awardNoticeDate: string | null;
  /** The instant the award was decided (OCDS dates the award by it). */
  awardedAt: Date | null;
  objectionDeadline: string | null;
  version: number;
}

export interface BidModel {
  id: string;
  tenderId: string;
  organizationId: string;
  organizationName: string;
  creditCode: string | null;
  price: string;
  proposal: string;
  submittedAt: Date;
  withdrawnAt: Date | null;
  qualified: boolean | null;
  score: string | null;
}

export interface AwardModel {
  tender: TenderModel;
}

export interface ObjectionModel {
  id: string;
  tenderId: string;
  organizationId: string;
  reason: string;
  filedAt: Date;
}

export interface ContractModel {
  id: string;
  projectId: string;
  tenderId: string;
  supplierId: string;
  purchaserId: string;
  areaCode: string;
  category: ServiceCategory;
  title: string;
  originalValue: string;
  supplementaryTotal: string;
  value: string;
  paid: string;
  startsOn: string;
  endsOn: string;
  signedOn: string | null;
  status: ContractStatus;
  terminationReason: string | null;
  version: number;
}

export interface MilestoneModel {
  id: string;
  contractId: string;
  title: string;
  deliverable: string;
  dueOn: string;
  completedOn: string | null;
}

export interface PaymentModel {
  id: string;
  contractId: string;
  milestoneId: string | null;
  amount: string;
  paidOn: string;
}

export interface SupplementaryAgreementModel {
  id: string;
  contractId: string;
  amount: string;
  reason: string;
  signedOn: string;
}

export interface PerformanceEvaluationModel {
  id: string;
  contractId: string;
  supplierId: string;
  evaluatorId: string;
  evaluatorName: string;
  status: EvaluationStatus;
  scores: { indicator: string; score: number }[];
  residentSatisfaction: number | null;
  overallScore: number | null;
  grade: PerformanceGrade | null;
  completedAt: Date | null;
}

export interface TenderRiskModel {
  tender: TenderModel;
  eligibleSupply: number;
  bidCount: number;
  reasons: string[];
}

/** Cardinal's process-level indicators computed here, and ours beyond them (README: the table of indicators). */
export const PROCESS_INDICATORS = [
  'R003',
  'R018',
  'R024',
  'R028',
  'R030',
  'R035',
  'R036',
  'R058',
  'PENALISED_SUPPLIER',
  'SIMILAR_BIDDERS',
  'SPLIT_PURCHASE',
  'SUPPLIER_CONCENTRATION',
  'SUPPLEMENTS_NEAR_CAP',
  'PAYMENT_BEFORE_MILESTONE',
] as const;
export type ProcessIndicator = (typeof PROCESS_INDICATORS)[number];

/** A red flag on one process (tender). */
export interface RedFlagModel {
  indicator: ProcessIndicator;
  tenderId: string;
  projectId: string;
  areaCode: string;
  value: number;
  threshold: number;
  /** The bids behind the flag (empty when the flag is about the tender itself). */
  bidIds: string[];
  /** The organisations behind the flag. */
  organizationIds: string[];
  /** The projects behind a flag over several purchases (SPLIT_PURCHASE, SUPPLIER_CONCENTRATION). */
  projectIds?: string[];
  /** When the facts that raised it were complete. */
  raisedAt: Date;
  /** The tender is decided (awarded or failed): its flags are public, as its published data allows anyone to compute them. */
  decided: boolean;
}

/** What an officer sees behind a flag. */
export interface RedFlagEvidenceModel {
  bidIds: string[];
  organizationIds: string[];
  projectIds: string[];
}

/** Cardinal's buyer and supplier indicators computed here. */
export type PartyIndicator = 'R025' | 'R038' | 'R048';

/** A red flag on an organisation, as a tenderer or as a buyer, over one year. */
export interface OrganizationRedFlagModel {
  organizationId: string;
  indicator: PartyIndicator;
  role: 'TENDERER' | 'BUYER';
  year: number;
  value: number;
  threshold: number;
  /** How many bids (or, for R048, awards) the value rests on. */
  basis: number;
}

export interface RedFlagCountModel {
  indicator: ProcessIndicator;
  count: number;
}

export interface ProcurementStatisticsRowModel {
  key: string;
  contracts: number;
  amount: string;
}

/** Entities of other subgraphs, known here by their keys alone. */
export interface OrganizationModel {
  id: string;
}
export interface CommunityModel {
  code: string;
}
export interface AreaModel {
  code: string;
}

export type ContractConnectionModel = Connection<ContractModel>;
export type ProjectConnectionModel = Connection<ProcurementProjectModel>;
export type BidConnectionModel = Connection<BidModel>;
export type MilestoneConnectionModel = Connection<MilestoneModel>;
export type TenderRiskConnectionModel = Connection<TenderRiskModel>;
export type RedFlagConnectionModel = Connection<RedFlagModel> & { countsByIndicator: RedFlagCountModel[] };

/** One audit entry, with the project it belongs to (for grouping a page of projects' trails). */
export interface ProcurementEventModel {
  projectId: string;
  entityType: string;
  entityId: string;
  action: string;
  actor: string;
  actorOrganizationId: string | null;
  reason: string | null;
  at: Date;
}

/** A party as verified against the registry when it joined (kept for the record and OCDS). */
export interface PartySnapshot {
  id: string;
  name: string;
  creditCode: string | null;
}

export interface NewProject {
  title: string;
  purchaser: PartySnapshot;
  areaCode: string;
  communityCodes: string[];
  catalogueCode: string;
  budgetLineId: string;
  serviceContent: string;
  budget: string;
  termMonths: number;
  termJustification: string | null;
  targets: { indicator: string; targetValue: string }[];
}

export interface NewTender {
  projectId: string;
  method: TenderMethod;
  methodChangeReason: string | null;
  awardCriteria: AwardCriteria;
  eligibleKinds: OrganizationKind[];
  minGrade: number | undefined;
  invitedIds: string[];
  opensAt: Date;
  closesAt: Date;
}

export interface ContractFilter {
  status?: ContractStatus[];
  purchaser?: string;
  supplier?: string;
  within: string;
  expiringBefore?: string;
  hasOverdueMilestones?: boolean;
}

export interface TenderCandidate {
  tender: TenderModel;
  category: ServiceCategory;
  /** The project's purchaser, who may not bid on its own tender. */
  purchaserId: string;
  bidCount: number;
}
