import { fromDateColumn, toDateColumn } from '../../../lib/kernel/dates';
import { ConfigError, integer, type Env } from '../../../lib/runtime/config';

/** The housing subgraph's own settings, read from the environment with embedded defaults. */
export interface HousingConfig {
  /** Land granted on or after this day: premises are handed over free; before it: bought back. */
  policyDate: string;
  /** Days a premises plan stays on public notice before construction may start. */
  noticeDays: number;
  /** How far the measured area may fall short of the plan, in hundredths of a percent (300 = 3%). */
  areaToleranceBasisPoints: number;
  /** The city standard: at least this many m² per community … */
  minPremisesM2: number;
  /** … or this many m² per 100 households, whichever is larger. */
  m2Per100Households: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function day(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = raw.trim();
  const parsed = toDateColumn(value);
  // A day that does not exist (2026-02-30) rolls over into another: refused, not moved.
  if (!DAY.test(value) || Number.isNaN(parsed.getTime()) || fromDateColumn(parsed) !== value) {
    throw new ConfigError(name, 'a calendar date YYYY-MM-DD', raw);
  }
  return value;
}

/** A percentage with up to two decimals, 0–50, as basis points. */
function percent(env: Env, name: string, fallbackBasisPoints: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallbackBasisPoints;
  const match = /^(\d{1,2})(?:\.(\d{1,2}))?$/.exec(raw.trim());
  const basisPoints = match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : NaN;
  if (!match || basisPoints > 5000) throw new ConfigError(name, 'a percentage from 0 to 50 with at most two decimals (e.g. 3 or 2.5)', raw);
  return basisPoints;
}

export function loadHousingConfig(env: Env): HousingConfig {
  return {
    // Many cities set the free-handover rule for land granted from the mid-2010s on.
    policyDate: day(env, 'HOUSING_POLICY_DATE', '2016-01-01'),
    noticeDays: integer(env, 'HOUSING_NOTICE_DAYS', 7, 0, 90),
    areaToleranceBasisPoints: percent(env, 'HOUSING_AREA_TOLERANCE', 300),
    minPremisesM2: integer(env, 'HOUSING_MIN_PREMISES_M2', 350, 0, 100_000),
    m2Per100Households: integer(env, 'HOUSING_M2_PER_100_HOUSEHOLDS', 30, 0, 10_000),
  };
}
