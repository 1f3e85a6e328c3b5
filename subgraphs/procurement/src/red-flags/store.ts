import { codesWithPrefix, significantPrefix } from '../../../../lib/kernel/auth';
import { Prisma, type PrismaClient } from '../generated/prisma/client';
import type { TenderMethod, TenderStatus } from '../generated/prisma/enums';
import type { DifferenceFences, ProcessFacts } from './indicators';
import type { PartyFences, PartyRecord, PartyThresholds } from './parties';

/** The facts red flags are computed from, read in SQL; the statistics over a population stay in SQL. */

interface FactsRow {
  tenderId: string;
  projectId: string;
  areaCode: string;
  method: TenderMethod;
  status: TenderStatus;
  publishedAt: Date;
  opensAt: Date;
  closesAt: Date;
  awardedBidId: string | null;
  awardedAt: Date | null;
  bids: { id: string; organizationId: string; fen: string; submittedAt: string; qualified: boolean | null }[];
}

/** One population of R024/R058: the processes a buyer (the project's area) awarded in a year. */
export interface PopulationKey {
  areaCode: string;
  year: number;
}

export const populationKey = (areaCode: string, year: number) => `${areaCode}/${year}`;

/** Q1 − 1.5·IQR ('low') or Q3 + 1.5·IQR ('high') of `value` over `rows`, as one SQL expression. */
function fence(value: Prisma.Sql, rows: Prisma.Sql, side: 'low' | 'high'): Prisma.Sql {
  const q = (p: number) => Prisma.sql`percentile_cont(${p}::float8) WITHIN GROUP (ORDER BY ${value})`;
  const edge =
    side === 'low' ? Prisma.sql`${q(0.25)} - 1.5 * (${q(0.75)} - ${q(0.25)})` : Prisma.sql`${q(0.75)} + 1.5 * (${q(0.75)} - ${q(0.25)})`;
  return Prisma.sql`(SELECT ${edge} FROM ${rows})`;
}

export function createRedFlagStore(prisma: PrismaClient) {
  /**
   * One statement: each tender with its live bids (prices in fen) and the instant of its award.
   */
  async function facts(condition: Prisma.Sql): Promise<ProcessFacts[]> {
    const rows = await prisma.$queryRaw<FactsRow[]>`
      SELECT t.id::text AS "tenderId", t.project_id::text AS "projectId", p.area_code AS "areaCode",
             t.method::text AS method, t.status::text AS status, t.published_at AS "publishedAt",
             t.opens_at AS "opensAt", t.closes_at AS "closesAt", t.awarded_bid_id::text AS "awardedBidId",
             t.awarded_at AS "awardedAt",
             COALESCE((SELECT json_agg(json_build_object(
                        'id', b.id, 'organizationId', b.organization_id, 'fen', (b.price * 100)::bigint::text,
                        'submittedAt', b.submitted_at, 'qualified', b.qualified) ORDER BY b.submitted_at, b.id)
                         FROM procurement.bid b WHERE b.tender_id = t.id AND b.withdrawn_at IS NULL), '[]'::json) AS bids
        FROM procurement.tender t
        JOIN procurement.project p ON p.id = t.project_id
       WHERE ${condition}
       ORDER BY t.closes_at, t.id`;
    return rows.map((row) => ({
      ...row,
      bids: row.bids.map((bid) => ({
        id: bid.id,
        organizationId: bid.organizationId,
        priceFen: BigInt(bid.fen),
        submittedAt: new Date(bid.submittedAt),
        qualified: bid.qualified,
      })),
    }));
  }

  const yearStart = (year: number, timeZone: string) => Prisma.sql`make_timestamptz(${year}::int, 1, 1, 0, 0, 0, ${timeZone})`;

  return {
    /**
     * R025/R038/R048 in one statement: each asked organisation's record over the year's decided
     * tenders (awarded or failed: an undecided award is excluded, as Cardinal excludes pending
     * awards), and the fences of the year's population of tenderers and buyers.
     */
    async partyRecords(
      organizationIds: readonly string[],
      year: number,
      timeZone: string,
      thresholds: PartyThresholds,
    ): Promise<{ fences: PartyFences; records: PartyRecord[] }> {
      const [row] = await prisma.$queryRaw<
        {
          topTenderer: number | null;
          winRatio: number | null;
          tendererDisqualified: number | null;
          buyerDisqualified: number | null;
          variety: number | null;
          records: PartyRecord[];
        }[]
      >`
        WITH decided AS (
          SELECT t.id, t.awarded_bid_id, p.purchaser_id, p.category
            FROM procurement.tender t
            JOIN procurement.project p ON p.id = t.project_id
           WHERE t.status IN ('AWARDED', 'UNSUCCESSFUL')
             AND t.closes_at >= ${yearStart(year, timeZone)} AND t.closes_at < ${yearStart(year + 1, timeZone)}
        ), live AS (
          SELECT b.organization_id, d.id AS tender_id, d.category, b.qualified, b.id = d.awarded_bid_id AS won
            FROM procurement.bid b
            JOIN decided d ON d.id = b.tender_id
           WHERE b.withdrawn_at IS NULL
        ), tenderers AS (
          SELECT organization_id AS id, count(*)::int AS submitted,
                 count(*) FILTER (WHERE qualified)::int AS valid,
                 count(*) FILTER (WHERE qualified = false)::int AS disqualified,
                 count(*) FILTER (WHERE won)::int AS won,
                 count(DISTINCT category) FILTER (WHERE won)::int AS variety
            FROM live GROUP BY organization_id
        ), buyers AS (
          SELECT d.purchaser_id AS id, count(DISTINCT d.id)::int AS processes, count(l.tender_id)::int AS received,
                 count(l.tender_id) FILTER (WHERE l.qualified = false)::int AS received_disqualified
            FROM decided d
            LEFT JOIN live l ON l.tender_id = d.id
           GROUP BY d.purchaser_id
        )
        SELECT (SELECT percentile_cont(0.75) WITHIN GROUP (ORDER BY valid) FROM tenderers WHERE valid > 0) AS "topTenderer",
               ${fence(Prisma.sql`won::float8 / valid`, Prisma.sql`tenderers WHERE valid > 0`, 'low')} AS "winRatio",
               ${fence(Prisma.sql`disqualified::float8 / submitted`, Prisma.sql`tenderers WHERE submitted >= ${thresholds.minimumSubmittedBids}`, 'high')} AS "tendererDisqualified",
               ${fence(Prisma.sql`received_disqualified::float8 / received`, Prisma.sql`buyers WHERE processes >= ${thresholds.minimumProcesses} AND received > 0`, 'high')} AS "buyerDisqualified",
               ${fence(Prisma.sql`variety::float8`, Prisma.sql`tenderers WHERE won > 0`, 'high')} AS variety,
               (SELECT COALESCE(json_agg(json_build_object(
                         'organizationId', a.id, 'submitted', COALESCE(t.submitted, 0), 'valid', COALESCE(t.valid, 0),
                         'disqualified', COALESCE(t.disqualified, 0), 'won', COALESCE(t.won, 0), 'variety', COALESCE(t.variety, 0),
                         'processes', COALESCE(b.processes, 0), 'received', COALESCE(b.received, 0),
                         'receivedDisqualified', COALESCE(b.received_disqualified, 0))), '[]'::json)
                  FROM unnest(${[...organizationIds]}::uuid[]) AS a(id)
                  LEFT JOIN tenderers t ON t.id = a.id
                  LEFT JOIN buyers b ON b.id = a.id) AS records`;
      const { records, ...fences } = row!;
      return { fences, records: records.map((record) => ({ ...record, organizationId: String(record.organizationId) })) };
    },

    /** Every tender of these projects. */
    projectProcesses(projectIds: readonly string[]): Promise<ProcessFacts[]> {
      return facts(Prisma.sql`t.project_id = ANY(${[...projectIds]}::uuid[])`);
    },

    /** Every tender of the jurisdiction whose bid deadline falls in the year (the city's calendar). */
    jurisdictionProcesses(within: string, year: number, timeZone: string): Promise<ProcessFacts[]> {
      const codes = codesWithPrefix(significantPrefix(within));
      return facts(Prisma.sql`p.area_code BETWEEN ${codes.gte} AND ${codes.lte}
        AND t.closes_at >= ${yearStart(year, timeZone)} AND t.closes_at < ${yearStart(year + 1, timeZone)}`);
    },

    /**
     * The fences of each population asked for: Q1 − 1.5·IQR and Q3 + 1.5·IQR of the differences
     * (second-lowest valid bid − winning bid) ÷ winning bid, over awarded tenders whose winner is
     * the lowest valid bid and has a valid runner-up (R024/R058's exclusions), in one statement.
     */
    async differenceFences(keys: readonly PopulationKey[], timeZone: string): Promise<Map<string, DifferenceFences>> {
      const fences = new Map<string, DifferenceFences>();
      if (keys.length === 0) return fences;
      const rows = await prisma.$queryRaw<{ areaCode: string; year: number; q1: number; q3: number; size: number }[]>`
        WITH asked AS (
          SELECT DISTINCT k.area_code, k.year
            FROM unnest(${keys.map((key) => key.areaCode)}::text[], ${keys.map((key) => key.year)}::int[]) AS k(area_code, year)
        ), awarded AS (
          SELECT p.area_code, asked.year, w.price AS winning,
                 (SELECT min(b.price) FROM procurement.bid b
                   WHERE b.tender_id = t.id AND b.withdrawn_at IS NULL AND b.qualified AND b.id <> w.id) AS runner_up,
                 (SELECT min(b.price) FROM procurement.bid b
                   WHERE b.tender_id = t.id AND b.withdrawn_at IS NULL AND b.qualified) AS lowest_valid
            FROM asked
            JOIN procurement.project p ON p.area_code = asked.area_code
            JOIN procurement.tender t ON t.project_id = p.id
            JOIN procurement.bid w ON w.id = t.awarded_bid_id AND w.withdrawn_at IS NULL AND w.qualified
           WHERE t.status = 'AWARDED'
             AND t.closes_at >= make_timestamptz(asked.year, 1, 1, 0, 0, 0, ${timeZone})
             AND t.closes_at < make_timestamptz(asked.year + 1, 1, 1, 0, 0, 0, ${timeZone})
        ), differences AS (
          SELECT area_code, year, ((runner_up - winning) / winning)::float8 AS difference
            FROM awarded
           WHERE runner_up IS NOT NULL AND winning > 0 AND winning <= lowest_valid
        )
        SELECT area_code::text AS "areaCode", year,
               percentile_cont(0.25) WITHIN GROUP (ORDER BY difference) AS q1,
               percentile_cont(0.75) WITHIN GROUP (ORDER BY difference) AS q3,
               count(*)::int AS size
          FROM differences
         GROUP BY area_code, year`;
      for (const row of rows) {
        const iqr = row.q3 - row.q1;
        fences.set(populationKey(row.areaCode, row.year), { lower: row.q1 - 1.5 * iqr, upper: row.q3 + 1.5 * iqr, size: row.size });
      }
      return fences;
    },
  };
}

export type RedFlagStore = ReturnType<typeof createRedFlagStore>;
