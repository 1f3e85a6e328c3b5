import type { Database, Session } from '../lib/runtime/db';
import { CREDIT_CODE_CHARSET, withCheckCharacter } from '../lib/kernel/credit-code';
import { demoCity } from './demo-city';
import { seedDemoData, type Seedable } from './index';
import { pick, seededRandom } from './random';

/**
 * The city at N times the demo's size: the demo city is copy 0, and copies 1…N−1 repeat it as
 * new districts (nine copies per city, then a new city code), each with its own civil-affairs
 * bureau, streets, communities, organisations, developments, projects and facilities. A real
 * large city grows by districts, not by districts of four hundred streets, so a district-wide
 * read sees a district's worth of rows at every scale while city-wide reads see them all.
 * Each copy is cloned from the demo rows inside PostgreSQL, one INSERT … SELECT per table for
 * all copies at once, so 100× costs a few set-based statements instead of millions of round
 * trips. Ids are name-based (md5 of the demo id and the copy); credit codes are drawn anew per
 * copy with the copy's region and the real check character, so every constraint holds. The
 * service catalogue stays single; reference prices come with each new city.
 *
 * Facilities are kept in about half the copies (10,000 at 100×), and every facility of the
 * scaled city gets a year of bookings: the demo's five weeks of bookings repeated ten times
 * further back (35 days keeps the weekday, so opening hours still hold), about a third of them
 * per earlier period, those moved into the past turned into check-ins.
 */

/** Copies per city: district digits 0x become 1x…8x (the demo's districts are 03…08). */
const COPIES_PER_CITY = 9;
/** City digits are two: the demo's cities are 01, so 98 further cities at most. */
export const MAX_SCALE = COPIES_PER_CITY * 99;
/** Earlier five-week periods of bookings (a year back from the demo's window). */
const HISTORY_PERIODS = 10;
const DEMO_DISTRICTS = demoCity().areas.filter((a) => a.level === 'DISTRICT').length;

export interface ScaleSummary {
  scale: number;
  communities: number;
  organizations: number;
  facilities: number;
  bookings: number;
  projects: number;
  developments: number;
  milliseconds: number;
}

/** The code of a demo area in copy `copy`: city + ⌊copy / 9⌋, district + 10 × (copy mod 9). */
export function scaledAreaCode(code: string, copy: number): string {
  if (code.slice(2, 4) === '00') return code;
  const city = `${code.slice(0, 2)}${String(Number(code.slice(2, 4)) + Math.floor(copy / COPIES_PER_CITY)).padStart(2, '0')}`;
  if (code.slice(4, 6) === '00') return `${city}${code.slice(4)}`;
  return `${city}${String(Number(code.slice(4, 6)) + 10 * (copy % COPIES_PER_CITY)).padStart(2, '0')}${code.slice(6)}`;
}

/** SQL for the same mapping; `copy` is an SQL expression. */
function areaCodeSql(column: string, copy: string): string {
  return `CASE WHEN ${column} IS NULL OR substr(${column}, 3, 2) = '00' THEN ${column}
               ELSE substr(${column}, 1, 2) || lpad((substr(${column}, 3, 2)::int + ${copy} / ${COPIES_PER_CITY})::text, 2, '0')
                    || CASE WHEN substr(${column}, 5, 2) = '00' THEN substr(${column}, 5)
                            ELSE lpad((substr(${column}, 5, 2)::int + 10 * (${copy} % ${COPIES_PER_CITY}))::text, 2, '0') || substr(${column}, 7) END END`;
}

/** A name-based id (version 5 layout) for a demo id in a copy. */
function idSql(column: string, salt: string): string {
  const hash = `md5(${column}::text || ${salt})`;
  return `(substr(${hash}, 1, 12) || '5' || substr(${hash}, 14, 3) || 'a' || substr(${hash}, 18, 15))::uuid`;
}

interface Column {
  name: string;
  type: string;
  length: number | null;
}

interface TablePlan {
  table: string;
  /** Keeps only these demo rows (alias `t`). */
  where?: string;
  /** The column naming the facility a row belongs to, for the half of facilities kept. */
  facility?: string;
  /** Bookings: also repeated HISTORY_PERIODS × 35 days back. */
  history?: boolean;
}

/** Parents before children, as the foreign keys need. */
const PLAN: TablePlan[] = [
  // A city once per nine copies, when the copies move on to a new city code.
  { table: 'communities.area', where: `(t.level <> 'CITY' OR c.copy % ${COPIES_PER_CITY} = 0)` },
  { table: 'communities.community' },
  { table: 'organizations.organization' },
  { table: 'organizations.service_area' },
  { table: 'organizations.status_change' },
  { table: 'organizations.annual_report' },
  { table: 'housing.reference_price', where: `c.copy % ${COPIES_PER_CITY} = 0` },
  { table: 'housing.development' },
  { table: 'housing.premises' },
  { table: 'housing.plan_sign_off' },
  { table: 'housing.inspection' },
  { table: 'housing.inspection_signature' },
  { table: 'housing.buyback' },
  { table: 'housing.lease' },
  { table: 'housing.audit_event' },
  { table: 'procurement.budget_line' },
  { table: 'procurement.project' },
  { table: 'procurement.project_community' },
  { table: 'procurement.performance_target' },
  { table: 'procurement.tender' },
  { table: 'procurement.bid' },
  { table: 'procurement.contract' },
  { table: 'procurement.milestone' },
  { table: 'procurement.payment' },
  { table: 'procurement.supplementary_agreement' },
  { table: 'procurement.objection' },
  { table: 'procurement.performance_evaluation' },
  { table: 'facilities.facility', facility: 'id' },
  { table: 'facilities.opening_hours', facility: 'facility_id' },
  { table: 'facilities.closure', facility: 'facility_id' },
  { table: 'facilities.facility_event', facility: 'entity_id' },
  { table: 'facilities.booking', facility: 'facility_id', history: true },
];

/** Half the facilities of copies 1…N−1 (all of the demo's), the same half on every run. */
function keptFacilitySql(column: string): string {
  return `(c.copy = 0 OR substr(md5(t.${column}::text || ':' || c.copy), 1, 1) < '8')`;
}

/**
 * Seeds the demo city, then (N > 1) its copies. Refuses a database that already holds a
 * different scale, so a benchmark never measures a city of unknown size.
 */
export async function seedScale(database: Database, list: readonly Seedable[], scale: number): Promise<ScaleSummary> {
  if (!Number.isInteger(scale) || scale < 1 || scale > MAX_SCALE)
    throw new Error(`--scale must be a whole number from 1 to ${MAX_SCALE}, got ${scale}.`);
  const started = Date.now();
  await seedDemoData(database, list);
  const present = await copiesPresent(database);
  if (present !== 1 && present !== scale)
    throw new Error(`The database already holds the city at scale ${present}; seed scale ${scale} into a fresh database.`);
  if (present === 1 && scale > 1) {
    await database.withSession(async (session) => {
      await session.exec('BEGIN');
      try {
        await cloneCopies(session, scale);
        await session.exec('COMMIT');
      } catch (error) {
        await session.exec('ROLLBACK');
        throw error;
      }
    });
    // Fresh statistics, so the planner sees the city as it now is.
    await database.exec('ANALYZE');
  }
  return { scale, ...(await counts(database)), milliseconds: Date.now() - started };
}

/** How many copies of the demo's districts the database holds (1: the demo city alone). */
async function copiesPresent(session: Session): Promise<number> {
  const [row] = await session.query<{ districts: number }>(
    `SELECT count(*)::int AS districts FROM communities.area WHERE level = 'DISTRICT'`,
  );
  return Math.max(1, Math.round(Number(row?.districts ?? 0) / DEMO_DISTRICTS));
}

async function counts(session: Session): Promise<Omit<ScaleSummary, 'scale' | 'milliseconds'>> {
  const [row] = await session.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM communities.community) AS communities,
            (SELECT count(*) FROM organizations.organization) AS organizations,
            (SELECT count(*) FROM facilities.facility) AS facilities,
            (SELECT count(*) FROM facilities.booking) AS bookings,
            (SELECT count(*) FROM procurement.project) AS projects,
            (SELECT count(*) FROM housing.development) AS developments`,
  );
  return {
    communities: Number(row!.communities),
    organizations: Number(row!.organizations),
    facilities: Number(row!.facilities),
    bookings: Number(row!.bookings),
    projects: Number(row!.projects),
    developments: Number(row!.developments),
  };
}

async function cloneCopies(session: Session, scale: number): Promise<void> {
  await session.exec(
    `CREATE TEMP TABLE scale_credit (old text NOT NULL, copy int NOT NULL, new text NOT NULL, PRIMARY KEY (old, copy)) ON COMMIT DROP`,
  );
  const codes = await session.query<{ code: string }>(
    `SELECT credit_code AS code FROM organizations.organization WHERE credit_code IS NOT NULL ORDER BY credit_code`,
  );
  const credit = scaledCreditCodes(
    codes.map((c) => c.code),
    scale,
  );
  await session.query(`INSERT INTO scale_credit (old, copy, new) SELECT * FROM unnest($1::text[], $2::int[], $3::text[])`, [
    credit.map((c) => c.old),
    credit.map((c) => c.copy),
    credit.map((c) => c.new),
  ]);
  for (const plan of PLAN) {
    const [schema, table] = plan.table.split('.') as [string, string];
    const columns = await session.query<Column>(
      `SELECT column_name AS name, udt_name AS type, character_maximum_length AS length
         FROM information_schema.columns
        WHERE table_schema = $1 AND table_name = $2 AND is_generated = 'NEVER' AND is_identity = 'NO'
          AND (column_default IS NULL OR column_default NOT LIKE 'nextval%')
        ORDER BY ordinal_position`,
      [schema, table],
    );
    const values = columns.map((column) => columnSql(column, plan));
    const conditions = [
      plan.where,
      plan.facility ? keptFacilitySql(plan.facility) : undefined,
      // The demo's own rows stay; history repeats a third of each earlier period's bookings.
      plan.history ? `(k.k > 0 OR c.copy > 0) AND (k.k = 0 OR substr(md5(t.id::text || ':' || k.k), 1, 1) < '5')` : 'c.copy > 0',
    ].filter(Boolean);
    await session.query(
      `INSERT INTO ${plan.table} (${columns.map((c) => `"${c.name}"`).join(', ')})
       SELECT ${values.join(', ')}
         FROM ${plan.table} t
        CROSS JOIN generate_series(0, ${scale - 1}) AS c(copy)
        ${plan.history ? `CROSS JOIN generate_series(0, ${HISTORY_PERIODS}) AS k(k)` : ''}
        WHERE ${conditions.join(' AND ')}`,
    );
  }
}

function columnSql(column: Column, plan: TablePlan): string {
  const value = `t."${column.name}"`;
  const salt = `':' || c.copy`;
  if (plan.history && column.name === 'id') return idSql(value, `${salt} || ':' || k.k`);
  // The demo's own bookings repeated back in time stay with the demo's facilities and bookers.
  if (plan.history && column.type === 'uuid') return `CASE WHEN c.copy = 0 THEN ${value} ELSE ${idSql(value, salt)} END`;
  if (plan.history && (column.name === 'starts_at' || column.name === 'ends_at')) return `${value} - make_interval(days => 35 * k.k)`;
  // A booking moved into the past has happened.
  if (plan.history && column.name === 'status') {
    return `CASE WHEN k.k > 0 AND ${value} IN ('PENDING', 'CONFIRMED') THEN 'CHECKED_IN'::facilities."BookingStatus" ELSE ${value} END`;
  }
  if (column.type === 'uuid') return idSql(value, salt);
  if (column.type === '_uuid') return `ARRAY(SELECT ${idSql('u', salt)} FROM unnest(${value}) AS u)`;
  if (column.type === 'bpchar' && column.length === 12) return areaCodeSql(value, 'c.copy');
  if (column.type === 'bpchar' && column.length === 18)
    return `(SELECT s.new FROM scale_credit s WHERE s.old = ${value} AND s.copy = c.copy)`;
  // A new district is told apart by its number; streets and communities keep their names.
  if (plan.table === 'communities.area' && column.name === 'name') {
    return `CASE WHEN t.level = 'DISTRICT' AND c.copy > 0 THEN left(${value}, -1) || c.copy || right(${value}, 1) ELSE ${value} END`;
  }
  // The same space is never let twice (lease_no_overlap): each copy's addresses are its own.
  if (column.type === 'text' && column.name.endsWith('address')) return `${value} || '·' || c.copy`;
  // Audit trails name their entity and actor's organisation as text: an id or an area code.
  if (column.type === 'text' && (column.name === 'entity_id' || column.name === 'actor_org')) {
    return `CASE WHEN ${value} ~ '^[0-9a-f-]{36}$' THEN (${idSql(`${value}::uuid`, salt)})::text
                 WHEN ${value} ~ '^[0-9]{12}$' THEN ${areaCodeSql(value, 'c.copy')} ELSE ${value} END`;
  }
  return value;
}

/**
 * New credit codes for every demo code in copies 1…N−1: same authority and type, the copy's
 * district as region, a fresh organisation code and the GB 32100-2015 check character; unique across
 * the whole city, drawn from a seeded generator so every run draws the same.
 */
export function scaledCreditCodes(demoCodes: readonly string[], scale: number): { old: string; copy: number; new: string }[] {
  const random = seededRandom(20261126 + scale);
  const used = new Set(demoCodes);
  const charset = Array.from(CREDIT_CODE_CHARSET);
  const result: { old: string; copy: number; new: string }[] = [];
  for (let copy = 1; copy < scale; copy++) {
    for (const old of demoCodes) {
      for (;;) {
        let body = old.slice(8, 10);
        while (body.length < 9) body += pick(random, charset);
        const region = scaledAreaCode(old.slice(2, 8).padEnd(12, '0'), copy).slice(0, 6);
        const code = withCheckCharacter(`${old.slice(0, 2)}${region}${body}`);
        if (used.has(code)) continue;
        used.add(code);
        result.push({ old, copy, new: code });
        break;
      }
    }
  }
  return result;
}

/** Communities the city has at a scale (the demo's, in every copy). */
export function expectedCommunities(scale: number): number {
  return demoCity().communities.length * scale;
}
