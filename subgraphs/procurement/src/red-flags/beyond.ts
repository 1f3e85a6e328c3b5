import type { ProcessIndicator, RedFlagModel } from '../models';
import type { ProcessBid, ProcessFacts } from './indicators';

/**
 * Red flags beyond Cardinal (issue #22): what a live registry and our own contract records show
 * that published OCDS does not. Pure, like indicators.ts: the store sums the buyer's year in SQL
 * (beyond-store.ts), the registry answers through the graph, these decide.
 */

export interface BeyondThresholds {
  /**
   * SPLIT_PURCHASE: the open-tender threshold in fen (公开招标数额标准). Each purchase under it,
   * together at or above it. The domain rules name no amount; the default is the central budget
   * units' 2 000 000 yuan for goods and services (a province sets its own: PROCUREMENT_OPEN_TENDER_THRESHOLD).
   */
  openTenderThresholdFen: bigint;
  /** SUPPLIER_CONCENTRATION: one supplier's share of a buyer's awards in a category above this, in basis points (5000: half). */
  concentrationBasisPoints: number;
  /** SUPPLIER_CONCENTRATION: buyers with fewer awards in the category and year are not judged (3). */
  concentrationMinimumAwards: number;
  /** SUPPLEMENTS_NEAR_CAP: within this many basis points of the 10% cap (100: 1%, so from 9%). */
  supplementMarginBasisPoints: number;
}

export const BEYOND_DEFAULTS: BeyondThresholds = {
  openTenderThresholdFen: 200_000_000n,
  concentrationBasisPoints: 5000,
  concentrationMinimumAwards: 3,
  supplementMarginBasisPoints: 100,
};

/** The cap on supplementary agreements, in basis points of the original value (rules.ts: a tenth). */
const SUPPLEMENT_CAP_BASIS_POINTS = 1000n;

/** A purchase group of SPLIT_PURCHASE: one buyer, catalogue item and supplier in a year, each award under the threshold. */
export interface PurchaseGroup {
  tenderId: string;
  totalFen: bigint;
  /** The group's awards (tenders, projects and the winning bids), oldest award first. */
  tenderIds: string[];
  projectIds: string[];
  bidIds: string[];
  supplierId: string;
  /** The award with which the running total reached the threshold (null: it never did). */
  reachedAt: Date | null;
}

/** SUPPLIER_CONCENTRATION's facts for one awarded tender: its supplier's and its buyer's awards in the category and year. */
export interface CategorySpend {
  tenderId: string;
  supplierId: string;
  supplierFen: bigint;
  buyerFen: bigint;
  buyerAwards: number;
  /** The supplier's awards in the group. */
  projectIds: string[];
  bidIds: string[];
  /** The latest award the totals count. */
  latestAward: Date;
}

/** One contract's supplementary agreements, in the order signed. */
export interface ContractSupplements {
  tenderId: string;
  bidId: string;
  supplierId: string;
  originalFen: bigint;
  supplements: { fen: bigint; signedAt: Date }[];
}

/** One payment made against a milestone. */
export interface MilestonePayment {
  tenderId: string;
  bidId: string;
  supplierId: string;
  paidOn: string;
  recordedAt: Date;
  /** null while the milestone is not completed. */
  completedOn: string | null;
}

type Base = Pick<ProcessFacts, 'tenderId' | 'projectId' | 'areaCode'>;

function flag(
  base: Base,
  indicator: ProcessIndicator,
  value: number,
  threshold: number,
  raisedAt: Date,
  evidence: { bidIds: string[]; organizationIds: string[]; projectIds?: string[] },
  decided: boolean,
): RedFlagModel {
  const { tenderId, projectId, areaCode } = base;
  return {
    tenderId,
    projectId,
    areaCode,
    indicator,
    value,
    threshold,
    raisedAt,
    decided,
    ...evidence,
    organizationIds: [...new Set(evidence.organizationIds)],
  };
}

/** Normalised for comparison: a name typed with other spacing is the same person's. */
const normalised = (name: string | null | undefined) => (name ?? '').replace(/\s+/g, '');

/**
 * SIMILAR_BIDDERS: different tenderers of one process with the same legal representative
 * (法定代表人) in the registry. Counted at the deadline, when the bids are opened. Excluded:
 * tenders before the deadline; a tenderer the registry does not know or records no
 * representative for. Value: the tenderers sharing a representative with another; threshold 2.
 */
export function similarBidders(
  facts: ProcessFacts,
  representativeOf: ReadonlyMap<string, string | null>,
  now: Date,
): RedFlagModel | undefined {
  if (facts.closesAt.getTime() > now.getTime()) return undefined;
  const byName = new Map<string, Set<string>>();
  for (const bid of facts.bids) {
    const name = normalised(representativeOf.get(bid.organizationId));
    if (name === '') continue;
    byName.set(name, (byName.get(name) ?? new Set()).add(bid.organizationId));
  }
  const shared = new Set([...byName.values()].filter((tenderers) => tenderers.size >= 2).flatMap((tenderers) => [...tenderers]));
  if (shared.size === 0) return undefined;
  const bids: ProcessBid[] = facts.bids.filter((bid) => shared.has(bid.organizationId));
  return flag(
    facts,
    'SIMILAR_BIDDERS',
    shared.size,
    2,
    facts.closesAt,
    { bidIds: bids.map((bid) => bid.id), organizationIds: bids.map((bid) => bid.organizationId) },
    decided(facts),
  );
}

/** SPLIT_PURCHASE: at least two awards of the group, each under the threshold, together at or above it. */
export function splitPurchase(facts: ProcessFacts, group: PurchaseGroup, thresholds: BeyondThresholds): RedFlagModel | undefined {
  if (group.tenderIds.length < 2 || group.totalFen < thresholds.openTenderThresholdFen || !group.reachedAt) return undefined;
  return flag(
    facts,
    'SPLIT_PURCHASE',
    Number(group.totalFen) / 100,
    Number(thresholds.openTenderThresholdFen) / 100,
    group.reachedAt,
    { bidIds: group.bidIds, organizationIds: [group.supplierId], projectIds: group.projectIds },
    true,
  );
}

/** SUPPLIER_CONCENTRATION: the supplier's share of the buyer's awards in the category and year above the share. */
export function supplierConcentration(facts: ProcessFacts, spend: CategorySpend, thresholds: BeyondThresholds): RedFlagModel | undefined {
  if (spend.buyerAwards < thresholds.concentrationMinimumAwards || spend.buyerFen === 0n) return undefined;
  // Exact: supplier ÷ buyer > bp ÷ 10 000, compared in integers.
  if (spend.supplierFen * 10_000n <= spend.buyerFen * BigInt(thresholds.concentrationBasisPoints)) return undefined;
  return flag(
    facts,
    'SUPPLIER_CONCENTRATION',
    Number(spend.supplierFen) / Number(spend.buyerFen),
    thresholds.concentrationBasisPoints / 10_000,
    spend.latestAward,
    { bidIds: spend.bidIds, organizationIds: [spend.supplierId], projectIds: spend.projectIds },
    true,
  );
}

/**
 * SUPPLEMENTS_NEAR_CAP: supplementary agreements totalling at least (10% − margin) of the
 * original value; raised by the agreement that brought the total there. Excluded: a zero
 * original value.
 */
export function supplementsNearCap(
  facts: ProcessFacts,
  contract: ContractSupplements,
  thresholds: BeyondThresholds,
): RedFlagModel | undefined {
  if (contract.originalFen === 0n) return undefined;
  const floor = SUPPLEMENT_CAP_BASIS_POINTS - BigInt(thresholds.supplementMarginBasisPoints);
  let total = 0n;
  for (const supplement of contract.supplements) {
    total += supplement.fen;
    if (total * 10_000n < contract.originalFen * floor) continue;
    const all = contract.supplements.reduce((sum, s) => sum + s.fen, 0n);
    return flag(
      facts,
      'SUPPLEMENTS_NEAR_CAP',
      Number(all) / Number(contract.originalFen),
      Number(floor) / 10_000,
      supplement.signedAt,
      { bidIds: [contract.bidId], organizationIds: [contract.supplierId] },
      true,
    );
  }
  return undefined;
}

/**
 * PAYMENT_BEFORE_MILESTONE: payments made (paidOn) before the milestone they pay for was
 * completed, or against a milestone still open. Excluded: payments not tied to a milestone
 * (advances), and a payment on the completion day. Value: how many; threshold 1.
 */
export function paymentBeforeMilestone(facts: ProcessFacts, payments: readonly MilestonePayment[]): RedFlagModel | undefined {
  const early = payments.filter((payment) => payment.completedOn === null || payment.paidOn < payment.completedOn);
  if (early.length === 0) return undefined;
  const first = early.reduce((a, b) => (b.recordedAt < a.recordedAt ? b : a));
  return flag(
    facts,
    'PAYMENT_BEFORE_MILESTONE',
    early.length,
    1,
    first.recordedAt,
    { bidIds: [first.bidId], organizationIds: [first.supplierId] },
    true,
  );
}

function decided(facts: ProcessFacts): boolean {
  return facts.status === 'AWARDED' || facts.status === 'UNSUCCESSFUL';
}
