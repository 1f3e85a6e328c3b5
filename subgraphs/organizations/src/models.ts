import type { Connection } from '../../../lib/runtime/connections';
import type { CreditList, InspectionResult, OrganizationKind, OrganizationStatus, PenaltyKind } from './generated/prisma/enums';
import type { ServiceCategory } from './generated/graphql';

/** An organisation as the store returns it: dates as YYYY-MM-DD, no service areas (loaded apart). */
export interface OrganizationModel {
  id: string;
  name: string;
  kind: OrganizationKind;
  creditCode: string | null;
  registrationArea: string;
  registrationDate: string;
  status: OrganizationStatus;
  legalRepresentative: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
  contactAddress: string | null;
  categories: ServiceCategory[];
  /** 1–5 for 1A–5A. */
  grade: number | null;
  gradeAwardedOn: string | null;
  gradeValidUntil: string | null;
  staffCount: number;
  volunteerCount: number;
  incubator: string | null;
  incubatedSince: string | null;
  version: number;
  updatedAt: Date;
}

export type OrganizationConnectionModel = Connection<OrganizationModel>;

export interface EvaluationModel {
  grade: number;
  awardedOn: string;
  validUntil: string;
}

export interface StatusChangeModel {
  organizationId: string;
  from: OrganizationStatus | null;
  to: OrganizationStatus;
  reason: string;
  /** The token subject: shown only to officers whose jurisdiction covers the organisation. */
  actor: string;
  actorRoles: string[];
  actorOrganizationId: string | null;
  /** The organisation's registration area, which decides who sees the subject. */
  registrationArea?: string;
  at: Date;
}

/** Amounts are the database's exact decimals as strings (two decimals). */
export interface AnnualReportModel {
  organizationId: string;
  year: number;
  totalIncome: string;
  governmentPurchaseIncome: string;
  expenditure: string;
  lockedAt: Date | null;
  filedAt: Date;
  updatedAt: Date;
}

/** A community is known here by its code alone. */
export interface CommunityModel {
  code: string;
}

export interface AreaModel {
  code: string;
}

/** An entry on one of chinanpo's lists; dates as YYYY-MM-DD, never deleted. */
export interface ListEntryModel {
  id: string;
  organizationId: string;
  list: CreditList;
  listedOn: string;
  reason: string;
  authority: string;
  documentNumber: string;
  removedOn: string | null;
  removalDocumentNumber: string | null;
  removalReason: string | null;
  version: number;
  /** The day its state is read for (a standing's day, or today): LISTED before removedOn, REMOVED from it. */
  viewedOn: string;
}

export interface PenaltyModel {
  id: string;
  organizationId: string;
  decidedOn: string;
  authority: string;
  documentNumber: string;
  kind: PenaltyKind;
  penalty: string;
  reason: string;
  inForceFrom: string;
  inForceUntil: string;
}

export interface AnnualInspectionModel {
  organizationId: string;
  year: number;
  result: InspectionResult;
  concludedOn: string;
  authority: string;
  version: number;
}

/** An organisation's standing on one day of the city's calendar, from its dated records. */
export interface StandingModel {
  asOf: Date;
  onDay: string;
  listings: ListEntryModel[];
  penaltiesInForce: PenaltyModel[];
  latestInspection: AnnualInspectionModel | null;
}

export interface OrganizationFilter {
  kind?: OrganizationKind;
  status?: OrganizationStatus;
  category?: ServiceCategory;
  servesArea?: string;
  /** 1–5; only grades still valid today count. */
  minGrade?: number;
  nameContains?: string;
}

export interface NewOrganization {
  name: string;
  kind: OrganizationKind;
  creditCode: string | null;
  registrationArea: string;
  registrationDate: string;
  legalRepresentative: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
  contactAddress: string | null;
  categories: ServiceCategory[];
  serviceAreaCodes: string[];
  staffCount: number;
  volunteerCount: number;
  incubator: string | null;
  incubatedSince: string | null;
}

export interface ProfileChanges {
  name?: string;
  legalRepresentative?: string | null;
  contactPhone?: string | null;
  contactEmail?: string | null;
  contactAddress?: string | null;
  categories?: ServiceCategory[];
  serviceAreaCodes?: string[];
  staffCount?: number;
  volunteerCount?: number;
  incubator?: string | null;
  incubatedSince?: string | null;
}

/** The statuses a change may start from, decided by the caller against the current row. */
export type TransitionCheck = (current: OrganizationModel) => void;

export interface GradeRecord {
  grade: number;
  awardedOn: string;
  validUntil: string;
}

export interface ReportFigures {
  totalIncome: string;
  governmentPurchaseIncome: string;
  expenditure: string;
}

export interface CategorySupplyRow {
  category: ServiceCategory;
  activeOrganizations: number;
  gradedThreeAOrBetter: number;
}

export interface NewListing {
  list: CreditList;
  listedOn: string;
  reason: string;
  authority: string;
  documentNumber: string;
}

export interface Removal {
  removedOn: string;
  documentNumber: string;
  reason: string | null;
}

export interface NewPenalty {
  decidedOn: string;
  authority: string;
  documentNumber: string;
  kind: PenaltyKind;
  penalty: string;
  reason: string;
  inForceFrom: string;
  inForceUntil: string;
}

export interface NewInspection {
  year: number;
  result: InspectionResult;
  concludedOn: string;
  authority: string;
}
