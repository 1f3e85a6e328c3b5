import { Prisma, type PrismaClient } from '../generated/prisma/client';
import type { CategorySpend, ContractSupplements, MilestonePayment, PurchaseGroup } from './beyond';

/**
 * The facts of the flags beyond Cardinal, for the asked tenders: the buyer's year summed in SQL
 * (split purchases, supplier concentration), each contract's supplements and milestone payments.
 * Four statements, run together; only the asked tenders' groups are read, never every row.
 */

/** The year of a tender's bid deadline on the city's calendar, as SQL (processYear's). */
const yearOf = (timeZone: string) => Prisma.sql`extract(year FROM t.closes_at AT TIME ZONE ${timeZone})::int`;
/** t.closes_at within the year `year` (a column of the joined row) in the city's calendar. */
const inYear = (year: Prisma.Sql, timeZone: string) =>
  Prisma.sql`t.closes_at >= make_timestamptz(${year}, 1, 1, 0, 0, 0, ${timeZone})
         AND t.closes_at < make_timestamptz(${year} + 1, 1, 1, 0, 0, 0, ${timeZone})`;

export function createBeyondStore(prisma: PrismaClient) {
  /**
   * SPLIT_PURCHASE: for each asked tender awarded without an open tender, its group (the same
   * buyer, catalogue item and supplier, awards of the same year each under the threshold, open
   * tenders left out) with the group's total and the award with which the running total
   * reached the threshold.
   */
  async function purchaseGroups(ids: string[], thresholdFen: bigint, timeZone: string): Promise<PurchaseGroup[]> {
    const rows = await prisma.$queryRaw<(Omit<PurchaseGroup, 'totalFen'> & { totalFen: string })[]>`
      WITH asked AS (
        SELECT DISTINCT p.purchaser_id, p.catalogue_code, w.organization_id AS supplier, ${yearOf(timeZone)} AS year
          FROM procurement.tender t
          JOIN procurement.project p ON p.id = t.project_id
          JOIN procurement.bid w ON w.id = t.awarded_bid_id
         WHERE t.id = ANY(${ids}::uuid[]) AND t.status = 'AWARDED' AND t.method <> 'OPEN'
      ), members AS (
        SELECT a.purchaser_id, a.catalogue_code, a.supplier, a.year, t.id AS tender_id, t.project_id, w.id AS bid_id,
               (w.price * 100)::bigint AS fen, t.awarded_at
          FROM asked a
          JOIN procurement.project p ON p.purchaser_id = a.purchaser_id AND p.catalogue_code = a.catalogue_code
          JOIN procurement.tender t ON t.project_id = p.id AND t.status = 'AWARDED' AND t.method <> 'OPEN'
           AND ${inYear(Prisma.sql`a.year`, timeZone)}
          JOIN procurement.bid w ON w.id = t.awarded_bid_id AND w.organization_id = a.supplier
         WHERE (w.price * 100)::bigint < ${thresholdFen}
      ), running AS (
        SELECT m.*, sum(fen) OVER (PARTITION BY purchaser_id, catalogue_code, supplier, year ORDER BY awarded_at, tender_id) AS running
          FROM members m
      ), groups AS (
        SELECT purchaser_id, catalogue_code, supplier, year, sum(fen)::text AS total,
               json_agg(tender_id ORDER BY awarded_at, tender_id) AS tenders,
               json_agg(project_id ORDER BY awarded_at, tender_id) AS projects,
               json_agg(bid_id ORDER BY awarded_at, tender_id) AS bids,
               min(awarded_at) FILTER (WHERE running >= ${thresholdFen}) AS reached_at
          FROM running
         GROUP BY purchaser_id, catalogue_code, supplier, year
      )
      SELECT r.tender_id::text AS "tenderId", g.total AS "totalFen", g.tenders AS "tenderIds", g.projects AS "projectIds",
             g.bids AS "bidIds", r.supplier::text AS "supplierId", g.reached_at AS "reachedAt"
        FROM running r
        JOIN groups g USING (purchaser_id, catalogue_code, supplier, year)
       WHERE r.tender_id = ANY(${ids}::uuid[])`;
    return rows.map((row) => ({ ...row, totalFen: BigInt(row.totalFen) }));
  }

  /**
   * SUPPLIER_CONCENTRATION: for each asked awarded tender, its supplier's awards and its buyer's
   * awards in the project's category and the year (awarded bid prices).
   */
  async function categorySpend(ids: string[], timeZone: string): Promise<CategorySpend[]> {
    const rows = await prisma.$queryRaw<(Omit<CategorySpend, 'supplierFen' | 'buyerFen'> & { supplierFen: string; buyerFen: string })[]>`
      WITH asked AS (
        SELECT t.id AS tender_id, p.purchaser_id, p.category, w.organization_id AS supplier, ${yearOf(timeZone)} AS year
          FROM procurement.tender t
          JOIN procurement.project p ON p.id = t.project_id
          JOIN procurement.bid w ON w.id = t.awarded_bid_id
         WHERE t.id = ANY(${ids}::uuid[]) AND t.status = 'AWARDED'
      ), awards AS (
        SELECT g.purchaser_id, g.category, g.year, w.organization_id AS supplier, t.project_id, w.id AS bid_id,
               (w.price * 100)::bigint AS fen, t.awarded_at
          FROM (SELECT DISTINCT purchaser_id, category, year FROM asked) g
          JOIN procurement.project p ON p.purchaser_id = g.purchaser_id AND p.category = g.category
          JOIN procurement.tender t ON t.project_id = p.id AND t.status = 'AWARDED' AND ${inYear(Prisma.sql`g.year`, timeZone)}
          JOIN procurement.bid w ON w.id = t.awarded_bid_id
      ), suppliers AS (
        SELECT purchaser_id, category, year, supplier, sum(fen)::text AS spend,
               json_agg(project_id ORDER BY awarded_at, bid_id) AS projects, json_agg(bid_id ORDER BY awarded_at, bid_id) AS bids
          FROM awards GROUP BY purchaser_id, category, year, supplier
      ), buyers AS (
        SELECT purchaser_id, category, year, sum(fen)::text AS spend, count(*)::int AS awards, max(awarded_at) AS latest
          FROM awards GROUP BY purchaser_id, category, year
      )
      SELECT a.tender_id::text AS "tenderId", a.supplier::text AS "supplierId", s.spend AS "supplierFen", b.spend AS "buyerFen",
             b.awards AS "buyerAwards", s.projects AS "projectIds", s.bids AS "bidIds", b.latest AS "latestAward"
        FROM asked a
        JOIN suppliers s USING (purchaser_id, category, year, supplier)
        JOIN buyers b USING (purchaser_id, category, year)`;
    return rows.map((row) => ({
      ...row,
      supplierFen: BigInt(row.supplierFen),
      buyerFen: BigInt(row.buyerFen),
    }));
  }

  /** SUPPLEMENTS_NEAR_CAP: the asked tenders' contracts that have supplements, each supplement dated at the start of its day. */
  async function supplements(ids: string[], timeZone: string): Promise<ContractSupplements[]> {
    const rows = await prisma.$queryRaw<
      (Omit<ContractSupplements, 'originalFen' | 'supplements'> & {
        originalFen: string;
        supplements: { fen: string; signedAt: string }[];
      })[]
    >`
      SELECT c.tender_id::text AS "tenderId", t.awarded_bid_id::text AS "bidId", c.supplier_id::text AS "supplierId",
             (c.original_value * 100)::bigint::text AS "originalFen",
             (SELECT json_agg(json_build_object('fen', (s.amount * 100)::bigint::text,
                                                'signedAt', s.signed_on::timestamp AT TIME ZONE ${timeZone}) ORDER BY s.signed_on, s.id)
                FROM procurement.supplementary_agreement s WHERE s.contract_id = c.id) AS supplements
        FROM procurement.contract c
        JOIN procurement.tender t ON t.id = c.tender_id
       WHERE c.tender_id = ANY(${ids}::uuid[]) AND c.supplementary_total > 0`;
    return rows.map((row) => ({
      ...row,
      originalFen: BigInt(row.originalFen),
      supplements: row.supplements.map((s) => ({ fen: BigInt(s.fen), signedAt: new Date(s.signedAt) })),
    }));
  }

  /** PAYMENT_BEFORE_MILESTONE: the asked tenders' contracts' payments made against a milestone. */
  function milestonePayments(ids: string[]): Promise<MilestonePayment[]> {
    return prisma.$queryRaw<MilestonePayment[]>`
      SELECT c.tender_id::text AS "tenderId", t.awarded_bid_id::text AS "bidId", c.supplier_id::text AS "supplierId",
             to_char(pm.paid_on, 'YYYY-MM-DD') AS "paidOn", pm.recorded_at AS "recordedAt",
             to_char(m.completed_on, 'YYYY-MM-DD') AS "completedOn"
        FROM procurement.payment pm
        JOIN procurement.milestone m ON m.id = pm.milestone_id
        JOIN procurement.contract c ON c.id = pm.contract_id
        JOIN procurement.tender t ON t.id = c.tender_id
       WHERE c.tender_id = ANY(${ids}::uuid[])
       ORDER BY pm.recorded_at, pm.id`;
  }

  return {
    /** Every fact of the flags beyond Cardinal for these tenders, in four statements run together. */
    async beyondFacts(tenderIds: readonly string[], thresholdFen: bigint, timeZone: string) {
      const ids = [...tenderIds];
      if (ids.length === 0) return { groups: [], spends: [], contracts: [], payments: [] };
      const [groups, spends, contracts, payments] = await Promise.all([
        purchaseGroups(ids, thresholdFen, timeZone),
        categorySpend(ids, timeZone),
        supplements(ids, timeZone),
        milestonePayments(ids),
      ]);
      return { groups, spends, contracts, payments };
    },
  };
}

export type BeyondStore = ReturnType<typeof createBeyondStore>;
