import { dayIn } from '../../../../lib/kernel/dates';
import type { RedFlagModel } from '../models';
import { awardee, penalisedSupplier, processFlags, type ProcessFacts, type RedFlagThresholds } from './indicators';
import { populationKey, type PopulationKey, type RedFlagStore } from './store';

/** The year a process belongs to: its bid deadline's, on the city's calendar. */
export function processYear(facts: ProcessFacts, timeZone: string): number {
  return Number(dayIn(timeZone, facts.closesAt).slice(0, 4));
}

/** Each organisation's penalties as the registry publishes them (null: unknown to it). */
export type PenaltiesOf = (organizationIds: readonly string[]) => Promise<(readonly { id: string; decidedOn: string }[] | null | Error)[]>;

/**
 * The flags of these processes: one statement for the fences of every population involved
 * (the buyer's area and year of each awarded process), one batched registry question for the
 * awardees' penalties, then each process judged alone.
 */
export async function flagsOf(
  processes: readonly ProcessFacts[],
  store: RedFlagStore,
  penaltiesOf: PenaltiesOf,
  thresholds: RedFlagThresholds,
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
  const [fences, penalties] = await Promise.all([store.differenceFences([...keys.values()], timeZone), penaltiesOf(awardees)]);
  const penaltiesBy = new Map(awardees.map((id, i) => [id, penalties[i]]));
  return processes.flatMap((facts) => {
    const flags = processFlags(facts, fences.get(populationKey(facts.areaCode, processYear(facts, timeZone))), thresholds, now);
    const known = penaltiesBy.get(awardee(facts) ?? '');
    // A registry that failed to answer fails the question, rather than hiding the flag.
    if (known instanceof Error) throw known;
    const penalised = known ? penalisedSupplier(facts, known, thresholds, timeZone) : undefined;
    return penalised ? [...flags, penalised] : flags;
  });
}
