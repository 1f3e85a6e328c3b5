import { todayIn } from '../rules';
import type { RedFlagModel } from '../models';
import { processFlags, type ProcessFacts, type RedFlagThresholds } from './indicators';
import { populationKey, type PopulationKey, type RedFlagStore } from './store';

/** The year a process belongs to: its bid deadline's, on the city's calendar. */
export function processYear(facts: ProcessFacts, timeZone: string): number {
  return Number(todayIn(timeZone, facts.closesAt).slice(0, 4));
}

/**
 * The flags of these processes: one statement for the fences of every population involved
 * (the buyer's area and year of each awarded process), then each process judged alone.
 */
export async function flagsOf(
  processes: readonly ProcessFacts[],
  store: RedFlagStore,
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
  const fences = await store.differenceFences([...keys.values()], timeZone);
  return processes.flatMap((facts) =>
    processFlags(facts, fences.get(populationKey(facts.areaCode, processYear(facts, timeZone))), thresholds, now),
  );
}
