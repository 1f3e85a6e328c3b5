import { fromDateColumn, toDateColumn } from '../../../lib/kernel/dates';
import { ConfigError, integer, type Env } from '../../../lib/runtime/config';
import { toFen } from '../../../lib/kernel/money';
import { BEYOND_DEFAULTS, type BeyondThresholds } from './red-flags/beyond';
import { CARDINAL_DEFAULTS, type RedFlagThresholds } from './red-flags/indicators';
import { CARDINAL_PARTY_DEFAULTS, type PartyThresholds } from './red-flags/parties';

/** The procurement subgraph's own settings, read from the process's variables (README table). */
export interface ProcurementConfig {
  /** OCDS publisher prefix; ocid = prefix + project id. */
  ocidPrefix: string;
  /** Public holidays (YYYY-MM-DD) skipped when counting the 7 working days to object. */
  holidays: ReadonlySet<string>;
  /** A tender with fewer than 3 bids this many days before closing is at risk. */
  atRiskDays: number;
  /** Where the OCDS package says it is published. */
  publicationBaseUrl: string;
  /** The city's zone (lib config): what "today" is for deadlines. */
  timeZone: string;
  /** Red flag thresholds: Cardinal's defaults, and ours beyond it, unless set (README table of indicators). */
  redFlags: RedFlagThresholds & BeyondThresholds;
  /** Buyer and supplier red flag minimums: Cardinal's defaults unless set. */
  partyFlags: PartyThresholds;
}

/** China's statutory public holidays (国务院办公厅 notices) for the demo years; weekends are skipped anyway. */
const DEFAULT_HOLIDAYS = [
  ['2026-01-01', '2026-01-02', '2026-01-03'], // New Year
  ['2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23'], // Spring Festival
  ['2026-04-04', '2026-04-05', '2026-04-06'], // Qingming
  ['2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05'], // Labour Day
  ['2026-06-19', '2026-06-20', '2026-06-21'], // Dragon Boat
  ['2026-09-25', '2026-09-26', '2026-09-27'], // Mid-Autumn
  ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'], // National Day
  ['2027-01-01', '2027-01-02', '2027-01-03'], // New Year
].flat();

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isCalendarDate(value: string): boolean {
  const date = toDateColumn(value);
  // An impossible month is an invalid Date (not a RangeError here), a 30 February another day.
  return DATE.test(value) && !Number.isNaN(date.getTime()) && fromDateColumn(date) === value;
}

export function loadProcurementConfig(env: Env, timeZone: string): ProcurementConfig {
  const prefix = env.PROCUREMENT_OCID_PREFIX || 'ocds-crg001-';
  // OCDS prefixes are `ocds-` + 6 characters + `-`.
  if (!/^ocds-[a-z0-9]{6}-$/.test(prefix)) throw new ConfigError('PROCUREMENT_OCID_PREFIX', 'an OCDS prefix such as ocds-abc123-', prefix);
  const rawHolidays = env.PROCUREMENT_HOLIDAYS;
  let holidays = DEFAULT_HOLIDAYS;
  if (rawHolidays !== undefined && rawHolidays.trim() !== '') {
    holidays = rawHolidays
      .split(',')
      .map((day) => day.trim())
      .filter((day) => day !== '');
    if (!holidays.every(isCalendarDate)) throw new ConfigError('PROCUREMENT_HOLIDAYS', 'comma-separated dates YYYY-MM-DD', rawHolidays);
  }
  const base = env.PROCUREMENT_PUBLICATION_URL || 'https://procurement.example.gov.cn/ocds/releases/';
  try {
    new URL(base);
  } catch {
    throw new ConfigError('PROCUREMENT_PUBLICATION_URL', 'an absolute URL', base);
  }
  return {
    ocidPrefix: prefix,
    holidays: new Set(holidays),
    atRiskDays: integer(env, 'PROCUREMENT_AT_RISK_DAYS', 5, 0, 365),
    publicationBaseUrl: base.endsWith('/') ? base : `${base}/`,
    timeZone,
    redFlags: {
      ...CARDINAL_DEFAULTS,
      shortPeriodDays: integer(env, 'PROCUREMENT_R003_DAYS', CARDINAL_DEFAULTS.shortPeriodDays, 1, 365),
      disqualifiedTenderers: integer(env, 'PROCUREMENT_R035_THRESHOLD', CARDINAL_DEFAULTS.disqualifiedTenderers, 1, 1000),
      closePriceFence: fraction(env, 'PROCUREMENT_R024_FENCE'),
      discountFence: fraction(env, 'PROCUREMENT_R058_FENCE'),
      minimumPopulation: integer(env, 'PROCUREMENT_RED_FLAG_MIN_POPULATION', CARDINAL_DEFAULTS.minimumPopulation, 1, 100_000),
      penaltyYears: integer(env, 'PROCUREMENT_PENALTY_YEARS', CARDINAL_DEFAULTS.penaltyYears, 1, 20),
      openTenderThresholdFen: yuan(env, 'PROCUREMENT_OPEN_TENDER_THRESHOLD', BEYOND_DEFAULTS.openTenderThresholdFen),
      concentrationBasisPoints: basisPoints(env, 'PROCUREMENT_CONCENTRATION_SHARE', BEYOND_DEFAULTS.concentrationBasisPoints, 1, 9999),
      concentrationMinimumAwards: integer(
        env,
        'PROCUREMENT_CONCENTRATION_MIN_AWARDS',
        BEYOND_DEFAULTS.concentrationMinimumAwards,
        1,
        100_000,
      ),
      supplementMarginBasisPoints: basisPoints(env, 'PROCUREMENT_SUPPLEMENT_MARGIN', BEYOND_DEFAULTS.supplementMarginBasisPoints, 0, 999),
    },
    partyFlags: {
      minimumSubmittedBids: integer(env, 'PROCUREMENT_R038_MIN_BIDS', CARDINAL_PARTY_DEFAULTS.minimumSubmittedBids, 1, 1000),
      minimumProcesses: integer(env, 'PROCUREMENT_R038_MIN_PROCESSES', CARDINAL_PARTY_DEFAULTS.minimumProcesses, 1, 1000),
    },
  };
}

/** An optional decimal such as 0.05 (a fixed fence instead of the population's). */
function fraction(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!/^-?\d+(\.\d+)?$/.test(raw.trim()) || !Number.isFinite(value) || value < -1 || value > 100)
    throw new ConfigError(name, 'a decimal such as 0.05', raw);
  return value;
}

/** A positive amount in yuan such as 2000000.00, as fen (exact). */
function yuan(env: Env, name: string, fallback: bigint): bigint {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d{1,14}(\.\d{1,2})?$/.test(raw.trim()) || toFen(raw.trim()) <= 0n)
    throw new ConfigError(name, 'an amount in yuan such as 2000000.00', raw);
  return toFen(raw.trim());
}

/** A share such as 0.5 (0.0001 steps), as basis points between min and max. */
function basisPoints(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const match = /^0?\.(\d{1,4})$|^0$/.exec(raw.trim());
  const points = match ? Number((match[1] ?? '0').padEnd(4, '0')) : NaN;
  if (Number.isNaN(points) || points < min || points > max)
    throw new ConfigError(name, `a share between ${min / 10_000} and ${max / 10_000} such as 0.5`, raw);
  return points;
}
