import { dayIn } from '../../../../lib/kernel/dates';
import type { RedFlagModel } from '../models';
import { awardee, penalisedSupplier, processFlags, type ProcessFacts, type RedFlagThresholds } from './indicators';
import type { BeyondStore } from './beyond-store';
import {
  paymentBeforeMilestone,
  similarBidders,
  splitPurchase,
  supplementsNearCap,
  supplierConcentration,
  type BeyondThresholds,
} from './beyond';
import { populationKey, type PopulationKey, type RedFlagStore } from './store';

/** The year a process belongs to: its bid deadline's, on the city's calendar. */
export function processYear(facts: ProcessFacts, timeZone: string): number {
  return Number(dayIn(timeZone, facts.closesAt).slice(0, 4));
}

/** Each organisation's penalties as the registry publishes them (null: unknown to it). */
export type PenaltiesOf = (organizationIds: readonly string[]) => Promise<(readonly { id: string; decidedOn: string }[] | null | Error)[]>;

/** Each organisation's legal representative as the registry publishes it (null: unknown or not recorded). */
export type RepresentativesOf = (organizationIds: readonly string[]) => Promise<(string | null | Error)[]>;

/** What the registry is asked, through the graph, to judge the processes. */
export interface RegistryReads {
  penaltiesOf: PenaltiesOf;
  representativesOf: RepresentativesOf;
}

/** The first answer of a registry read that failed: it fails the question, rather than hiding a flag. */
function answered<T>(answers: (T | Error)[]): T[] {
  const failed = answers.find((answer) => answer instanceof Error);
  if (failed) throw failed;
  return answers as T[];
}

const byTender = <T extends { tenderId: string }>(rows: readonly T[]) => {
  const map = new Map<string, T[]>();
  for (const row of rows) map.set(row.tenderId, [...(map.get(row.tenderId) ?? []), row]);
  return map;
};

/**
 * The flags of these processes: one statement for the fences of every population involved
 * (the buyer's area and year of each awarded process), four for the facts beyond Cardinal of
 * the awarded ones, one batched registry question for the awardees' penalties and one for the
 * closed tenders' bidders, then each process judged alone.
 */
export async function flagsOf(
  processes: readonly ProcessFacts[],
  store: RedFlagStore & BeyondStore,
  registry: RegistryReads,
  thresholds: RedFlagThresholds & BeyondThresholds,
  timeZone: string,
  now: Date,
): Promise<RedFlagModel[]> {
  const keys = new Map<string, PopulationKey>();
  for (const facts of processes) {
    if (facts.status !== 'AWARDED') continue;
    const key = { areaCode: facts.areaCode, year: processYear(facts, timeZone) };
    keys.set(populationKey(key.areaCode, key.year), key);
  }
  const awardees = [...new Set(processes.map(awardee).filter((id): id is string => id !== undefined))];
  const bidders = [
    ...new Set(
      processes
        .filter((facts) => facts.closesAt.getTime() <= now.getTime())
        .flatMap((facts) => facts.bids.map((bid) => bid.organizationId)),
    ),
  ];
  const awarded = processes.filter((facts) => facts.status === 'AWARDED').map((facts) => facts.tenderId);
  const [fences, penalties, representatives, beyond] = await Promise.all([
    store.differenceFences([...keys.values()], timeZone),
    registry.penaltiesOf(awardees).then(answered),
    registry.representativesOf(bidders).then(answered),
    store.beyondFacts(awarded, thresholds.openTenderThresholdFen, timeZone),
  ]);
  const penaltiesBy = new Map(awardees.map((id, i) => [id, penalties[i]]));
  const representativeOf = new Map(bidders.map((id, i) => [id, representatives[i] ?? null]));
  const groups = byTender(beyond.groups);
  const spends = byTender(beyond.spends);
  const contracts = byTender(beyond.contracts);
  const payments = byTender(beyond.payments);
  return processes.flatMap((facts) => {
    const flags = processFlags(facts, fences.get(populationKey(facts.areaCode, processYear(facts, timeZone))), thresholds, now);
    const known = penaltiesBy.get(awardee(facts) ?? '');
    const id = facts.tenderId;
    const beyondCardinal = [
      known ? penalisedSupplier(facts, known, thresholds, timeZone) : undefined,
      similarBidders(facts, representativeOf, now),
      ...(groups.get(id) ?? []).map((group) => splitPurchase(facts, group, thresholds)),
      ...(spends.get(id) ?? []).map((spend) => supplierConcentration(facts, spend, thresholds)),
      ...(contracts.get(id) ?? []).map((contract) => supplementsNearCap(facts, contract, thresholds)),
      payments.has(id) ? paymentBeforeMilestone(facts, payments.get(id)!) : undefined,
    ];
    return [...flags, ...beyondCardinal.filter((flag): flag is RedFlagModel => flag !== undefined)];
  });
}
