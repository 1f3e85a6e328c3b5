import type { OrganizationRedFlagModel } from '../models';

/**
 * Cardinal's buyer and supplier indicators (R025, R038, R048): a party is flagged when its ratio
 * or variety is an outlier of the year's population. The statistics and the population fences
 * come from SQL (store.ts); these decide, so each rule reads as Cardinal's methodology does.
 * One sharpening: where most of a population shares one value (every bid qualified, every
 * supplier in one category) the fence equals it, and Cardinal's "at or beyond the fence" would
 * flag everyone; a party with no lost bid (R025), no disqualified bid (R038) or a single category
 * (R048) is never an outlier here.
 */

/** One organisation's record over the year's decided tenders, as a tenderer and as a buyer. */
export interface PartyRecord {
  organizationId: string;
  /** Live bids it submitted to decided tenders. */
  submitted: number;
  /** Of those, found qualified. */
  valid: number;
  /** Of those, disqualified. */
  disqualified: number;
  /** Of those, awarded. */
  won: number;
  /** Distinct service categories of the tenders it won. */
  variety: number;
  /** Decided tenders it bought through (as purchaser). */
  processes: number;
  /** Live bids those tenders received. */
  received: number;
  /** Of those, disqualified. */
  receivedDisqualified: number;
}

/** The year's population fences (null where the population is empty). */
export interface PartyFences {
  /** R025: a top tenderer's valid bids reach this (Q3 of the valid-bid counts). */
  topTenderer: number | null;
  /** R025: a win ratio at or below this (Q1 − 1.5·IQR of win ratios). */
  winRatio: number | null;
  /** R038: a tenderer's disqualified share at or above this (Q3 + 1.5·IQR). */
  tendererDisqualified: number | null;
  /** R038: a buyer's disqualified share at or above this (Q3 + 1.5·IQR). */
  buyerDisqualified: number | null;
  /** R048: a supplier's variety at or above this (Q3 + 1.5·IQR). */
  variety: number | null;
}

export interface PartyThresholds {
  /** R038: tenderers with fewer submitted bids are not judged (Cardinal: 2). */
  minimumSubmittedBids: number;
  /** R038: buyers with fewer decided tenders are not judged (Cardinal: 2). */
  minimumProcesses: number;
}

export const CARDINAL_PARTY_DEFAULTS: PartyThresholds = { minimumSubmittedBids: 2, minimumProcesses: 2 };

export function partyFlags(
  record: PartyRecord,
  fences: PartyFences,
  thresholds: PartyThresholds,
  year: number,
): OrganizationRedFlagModel[] {
  const flags: OrganizationRedFlagModel[] = [];
  const base = { organizationId: record.organizationId, year };
  if (record.valid > 0 && fences.topTenderer !== null && fences.winRatio !== null) {
    const ratio = record.won / record.valid;
    if (record.valid >= fences.topTenderer && ratio < 1 && ratio <= fences.winRatio) {
      flags.push({ ...base, indicator: 'R025', role: 'TENDERER', value: ratio, threshold: fences.winRatio, basis: record.valid });
    }
  }
  if (record.submitted >= thresholds.minimumSubmittedBids && fences.tendererDisqualified !== null) {
    const ratio = record.disqualified / record.submitted;
    if (ratio > 0 && ratio >= fences.tendererDisqualified) {
      flags.push({
        ...base,
        indicator: 'R038',
        role: 'TENDERER',
        value: ratio,
        threshold: fences.tendererDisqualified,
        basis: record.submitted,
      });
    }
  }
  if (record.processes >= thresholds.minimumProcesses && record.received > 0 && fences.buyerDisqualified !== null) {
    const ratio = record.receivedDisqualified / record.received;
    if (ratio > 0 && ratio >= fences.buyerDisqualified) {
      flags.push({ ...base, indicator: 'R038', role: 'BUYER', value: ratio, threshold: fences.buyerDisqualified, basis: record.received });
    }
  }
  if (record.variety > 1 && fences.variety !== null && record.variety >= fences.variety) {
    flags.push({ ...base, indicator: 'R048', role: 'TENDERER', value: record.variety, threshold: fences.variety, basis: record.won });
  }
  return flags;
}
