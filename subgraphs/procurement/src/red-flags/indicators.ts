import { dayIn } from '../../../../lib/kernel/dates';
import type { TenderMethod, TenderStatus } from '../generated/prisma/enums';
import type { ProcessIndicator, RedFlagModel } from '../models';

/**
 * Red flags of one contracting process (one tender), after the Open Contracting Partnership's
 * Cardinal: each function is the indicator's methodology, default threshold and exclusions as
 * Cardinal documents them, applied to our own records instead of published OCDS. Pure: the
 * store gathers the facts and the population fences (in SQL), these decide.
 */

/** A live (not withdrawn) bid; the price in fen, so equal prices compare exactly. */
export interface ProcessBid {
  id: string;
  organizationId: string;
  priceFen: bigint;
  submittedAt: Date;
  /** null until the tender is evaluated. */
  qualified: boolean | null;
}

export interface ProcessFacts {
  tenderId: string;
  projectId: string;
  areaCode: string;
  method: TenderMethod;
  status: TenderStatus;
  publishedAt: Date;
  opensAt: Date;
  closesAt: Date;
  awardedBidId: string | null;
  /** When the award was decided (the evaluation's audit entry). */
  awardedAt: Date | null;
  bids: ProcessBid[];
}

/** The population fences for R024/R058: over the buyer's jurisdiction and year, from SQL. */
export interface DifferenceFences {
  /** Q1 − 1.5·IQR of the population's differences. */
  lower: number;
  /** Q3 + 1.5·IQR. */
  upper: number;
  /** How many processes the population holds. */
  size: number;
}

export interface RedFlagThresholds {
  /** R003: an open tender's bid period shorter than this many days (Cardinal: 15). */
  shortPeriodDays: number;
  /** R018: the competitive methods (Cardinal: open and selective). */
  competitiveMethods: readonly TenderMethod[];
  /** R035: at least this many other tenderers disqualified (Cardinal: 1). */
  disqualifiedTenderers: number;
  /** R024: a fixed lower fence instead of the population's (Cardinal: unset). */
  closePriceFence: number | undefined;
  /** R058: a fixed upper fence instead of the population's (Cardinal: unset). */
  discountFence: number | undefined;
  /** PENALISED_SUPPLIER: a penalty decided within this many years before the winning bid (3). */
  penaltyYears: number;
  /**
   * R024/R058: populations smaller than this are not judged. Cardinal has no minimum (it runs over
   * national datasets); a district's year can hold one process, whose fence is its own value.
   */
  minimumPopulation: number;
}

export const CARDINAL_DEFAULTS: RedFlagThresholds = {
  shortPeriodDays: 15,
  competitiveMethods: ['OPEN', 'INVITED'],
  disqualifiedTenderers: 1,
  closePriceFence: undefined,
  discountFence: undefined,
  minimumPopulation: 5,
  penaltyYears: 3,
};

const DAY_MS = 86_400_000;

/** The bid period in days, as Cardinal measures it (tenderPeriod end − start). */
export function bidPeriodDays(facts: ProcessFacts): number {
  return (facts.closesAt.getTime() - facts.opensAt.getTime()) / DAY_MS;
}

/** (second-lowest valid bid − winning bid) ÷ winning bid; undefined where R024/R058 exclude the process. */
export function winningDifference(facts: ProcessFacts): number | undefined {
  const winner = awardedBid(facts);
  if (!winner) return undefined;
  const valid = facts.bids.filter((bid) => bid.qualified === true);
  // Excluded: the winning bid is not the lowest valid bid (the criteria were not price alone).
  if (valid.some((bid) => bid.priceFen < winner.priceFen)) return undefined;
  const others = valid.filter((bid) => bid.id !== winner.id).map((bid) => bid.priceFen);
  if (others.length === 0 || winner.priceFen === 0n) return undefined;
  const second = others.reduce((low, price) => (price < low ? price : low));
  return Number(second - winner.priceFen) / Number(winner.priceFen);
}

/**
 * PENALISED_SUPPLIER, beyond Cardinal because only a live registry knows it: the award went to a
 * body with an administrative penalty decided in the `years` before its winning bid (the bid's
 * day in the city's calendar, that day included). Undefined when there is none.
 */
export function penalisedSupplier(
  facts: ProcessFacts,
  penalties: readonly { id: string; decidedOn: string }[],
  thresholds: RedFlagThresholds,
  timeZone: string,
): RedFlagModel | undefined {
  const winner = awardedBid(facts);
  if (!winner || !facts.awardedAt) return undefined;
  const bidDay = dayIn(timeZone, winner.submittedAt);
  const from = `${Number(bidDay.slice(0, 4)) - thresholds.penaltyYears}${bidDay.slice(4)}`;
  const recent = penalties.filter((penalty) => penalty.decidedOn >= from && penalty.decidedOn <= bidDay);
  if (recent.length === 0) return undefined;
  return {
    indicator: 'PENALISED_SUPPLIER',
    tenderId: facts.tenderId,
    projectId: facts.projectId,
    areaCode: facts.areaCode,
    value: recent.length,
    threshold: 1,
    bidIds: [winner.id],
    organizationIds: [winner.organizationId],
    raisedAt: facts.awardedAt,
    decided: true,
  };
}

/** The organisation an award went to, if any. */
export function awardee(facts: ProcessFacts): string | undefined {
  return awardedBid(facts)?.organizationId;
}

/** Every flag the process raises, in indicator order. */
export function processFlags(
  facts: ProcessFacts,
  fences: DifferenceFences | undefined,
  thresholds: RedFlagThresholds,
  now: Date,
): RedFlagModel[] {
  const flags: RedFlagModel[] = [];
  const flag = (indicator: ProcessIndicator, value: number, threshold: number, raisedAt: Date, bids: ProcessBid[] = []) =>
    flags.push({
      indicator,
      tenderId: facts.tenderId,
      projectId: facts.projectId,
      areaCode: facts.areaCode,
      value,
      threshold,
      bidIds: bids.map((bid) => bid.id),
      organizationIds: [...new Set(bids.map((bid) => bid.organizationId))],
      raisedAt,
      decided: facts.status === 'AWARDED' || facts.status === 'UNSUCCESSFUL',
    });
  const closed = facts.closesAt.getTime() <= now.getTime();

  // R003: known at publication, while the tender can still be extended.
  if (facts.method === 'OPEN' && bidPeriodDays(facts) < thresholds.shortPeriodDays) {
    flag('R003', 1, thresholds.shortPeriodDays, facts.publishedAt);
  }
  // R018: counted at the deadline (bids are sealed before).
  if (closed && thresholds.competitiveMethods.includes(facts.method) && tenderers(facts.bids).size === 1) {
    flag('R018', 1, 1, facts.closesAt, facts.bids);
  }
  if (closed) {
    const identical = identicalPriceBids(facts.bids);
    if (identical.length > 0) flag('R028', 1, 1, facts.closesAt, identical);
  }

  const winner = awardedBid(facts);
  if (!winner || !facts.awardedAt) return flags;
  const awardedAt = facts.awardedAt;
  if (winner.qualified === true && winner.submittedAt.getTime() > facts.closesAt.getTime()) {
    flag('R030', 1, 1, awardedAt, [winner]);
  }
  const disqualified = disqualifiedOthers(facts, winner);
  if (disqualified !== undefined && tenderers(disqualified).size >= thresholds.disqualifiedTenderers) {
    flag('R035', tenderers(disqualified).size, thresholds.disqualifiedTenderers, awardedAt, [winner, ...disqualified]);
  }
  const lowest = lowestBids(facts.bids);
  const lowestDisqualified = lowest.filter((bid) => bid.qualified === false);
  if (lowestDisqualified.length > 0) flag('R036', 1, 1, awardedAt, lowestDisqualified);

  const difference = winningDifference(facts);
  if (difference !== undefined) {
    const judged = fences !== undefined && fences.size >= thresholds.minimumPopulation;
    const lower = thresholds.closePriceFence ?? (judged ? fences.lower : undefined);
    const upper = thresholds.discountFence ?? (judged ? fences.upper : undefined);
    const runnerUp = secondValidBid(facts, winner);
    if (lower !== undefined && difference <= lower) flag('R024', difference, lower, awardedAt, [winner, runnerUp!]);
    if (upper !== undefined && difference >= upper) flag('R058', difference, upper, awardedAt, [winner, runnerUp!]);
  }
  return flags;
}

function awardedBid(facts: ProcessFacts): ProcessBid | undefined {
  if (facts.status !== 'AWARDED' || !facts.awardedBidId) return undefined;
  return facts.bids.find((bid) => bid.id === facts.awardedBidId);
}

function tenderers(bids: readonly ProcessBid[]): Set<string> {
  return new Set(bids.map((bid) => bid.organizationId));
}

/** Bids of different tenderers at one price (a tenderer repeating its own price is no collusion). */
function identicalPriceBids(bids: readonly ProcessBid[]): ProcessBid[] {
  const byPrice = new Map<bigint, ProcessBid[]>();
  for (const bid of bids) byPrice.set(bid.priceFen, [...(byPrice.get(bid.priceFen) ?? []), bid]);
  return [...byPrice.values()].filter((group) => tenderers(group).size > 1).flat();
}

/** R035's condition: the winner is the only tenderer with valid bids; the others' disqualified bids. */
function disqualifiedOthers(facts: ProcessFacts, winner: ProcessBid): ProcessBid[] | undefined {
  const valid = tenderers(facts.bids.filter((bid) => bid.qualified === true));
  if (valid.size !== 1 || !valid.has(winner.organizationId)) return undefined;
  return facts.bids.filter((bid) => bid.qualified === false && bid.organizationId !== winner.organizationId);
}

function lowestBids(bids: readonly ProcessBid[]): ProcessBid[] {
  if (bids.length === 0) return [];
  const low = bids.reduce((min, bid) => (bid.priceFen < min ? bid.priceFen : min), bids[0]!.priceFen);
  return bids.filter((bid) => bid.priceFen === low);
}

function secondValidBid(facts: ProcessFacts, winner: ProcessBid): ProcessBid | undefined {
  const others = facts.bids.filter((bid) => bid.qualified === true && bid.id !== winner.id);
  return others.reduce<ProcessBid | undefined>((low, bid) => (!low || bid.priceFen < low.priceFen ? bid : low), undefined);
}
