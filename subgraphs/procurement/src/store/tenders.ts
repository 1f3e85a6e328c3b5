import { randomUUID } from 'node:crypto';
import { codesWithPrefix, significantPrefix } from '../../../../lib/kernel/auth';
import { isUniqueViolation } from '../../../../lib/runtime/db';
import { conflict, notFound, ruleBroken } from '../../../../lib/kernel/errors';
import type { Actor } from '../../../../lib/kernel/actor';
import { isUuid } from '../../../../lib/kernel/ids';
import { toDateColumn } from '../../../../lib/kernel/dates';
import { fromDecimalColumn } from '../../../../lib/kernel/money';
import { Prisma } from '../generated/prisma/client';
import type { ServiceCategory } from '../generated/graphql';
import type { BidModel, NewTender, ObjectionModel, ProcurementProjectModel, TenderCandidate, TenderModel } from '../models';
import { audit, lockedTender, TENDER_SELECT, toBid, toProject, toTender, type StoreClient, type TenderRow } from './client';

/** Tenders: published on a planned project, evaluated into an award (or a failure), cancelled, objected to. */

type CandidateRow = Omit<TenderRow, 'project'> & { areaCode: string; category: string; purchaserId: string; bidCount: number };

/**
 * Active tenders of projects in the area with their live bid counts, driven by the projects'
 * area index: Prisma's `_count` aggregated every bid of the city and cast area_code to text (no
 * index), which grew with the city rather than with the area asked for.
 */
const ACTIVE_TENDERS = (codes: { gte: string; lte: string }) => Prisma.sql`
  SELECT t.id::text AS id, t.project_id::text AS "projectId", t.method::text AS method, t.method_change_reason AS "methodChangeReason",
         t.award_criteria::text AS "awardCriteria", t.eligible_kinds AS "eligibleKinds", t.min_grade::int AS "minGrade",
         t.invited_ids::text[] AS "invitedIds", t.published_at AS "publishedAt", t.opens_at AS "opensAt", t.closes_at AS "closesAt",
         t.status::text AS status, t.awarded_bid_id::text AS "awardedBidId", t.award_amount AS "awardAmount",
         t.award_notice_date AS "awardNoticeDate", t.awarded_at AS "awardedAt", t.objection_deadline AS "objectionDeadline", t.version,
         p.area_code AS "areaCode", p.category::text AS category, p.purchaser_id::text AS "purchaserId",
         (SELECT count(*) FROM procurement.bid b WHERE b.tender_id = t.id AND b.withdrawn_at IS NULL)::int AS "bidCount"
    FROM procurement.project p JOIN procurement.tender t ON t.project_id = p.id
   WHERE p.area_code BETWEEN ${codes.gte} AND ${codes.lte} AND t.status = 'ACTIVE'
   ORDER BY t.closes_at, t.id`;

function badScore(id: string) {
  return ruleBroken('EVERY_BID_EVALUATED', `Bid ${id} is not a live bid of this tender.`, 'input.scores');
}

export function tendersStore(prisma: StoreClient) {
  return {
    async byId(ids: readonly string[]): Promise<TenderModel[]> {
      return (await prisma.tender.findMany({ where: { id: { in: ids.filter(isUuid) } }, select: TENDER_SELECT })).map(toTender);
    },

    async byProject(projectIds: readonly string[]): Promise<TenderModel[]> {
      const rows = await prisma.tender.findMany({
        where: { projectId: { in: [...projectIds] } },
        select: TENDER_SELECT,
        orderBy: [{ projectId: 'asc' }, { publishedAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toTender);
    },

    /** Active tenders of projects in the area, with their live bid counts: one statement. */
    async active(within: string): Promise<TenderCandidate[]> {
      const rows = await prisma.$queryRaw<CandidateRow[]>(ACTIVE_TENDERS(codesWithPrefix(significantPrefix(within))));
      return rows.map(({ areaCode, category, purchaserId, bidCount, ...tender }) => ({
        tender: toTender({ ...tender, project: { areaCode, category } }),
        category: category as ServiceCategory,
        purchaserId,
        bidCount,
      }));
    },

    async objections(tenderIds: readonly string[]): Promise<ObjectionModel[]> {
      return prisma.objection.findMany({ where: { tenderId: { in: [...tenderIds] } }, orderBy: [{ tenderId: 'asc' }, { filedAt: 'asc' }] });
    },

    /** Publishes a tender: the project moves PLANNED → TENDERING (version-checked). */
    async publish(
      tender: NewTender,
      actor: Actor,
      check: (project: ProcurementProjectModel, previous: TenderModel[]) => void,
    ): Promise<TenderModel> {
      try {
        return await prisma.$transaction(async (tx) => {
          const project = await tx.project.findUnique({ where: { id: tender.projectId } });
          if (!project) throw notFound(`No project ${tender.projectId}.`);
          const previous = (
            await tx.tender.findMany({ where: { projectId: project.id }, select: TENDER_SELECT, orderBy: { publishedAt: 'asc' } })
          ).map(toTender);
          check(toProject(project), previous);
          const moved = await tx.project.updateMany({
            where: { id: project.id, version: project.version, status: 'PLANNED' },
            data: { status: 'TENDERING', version: { increment: 1 }, updatedAt: new Date() },
          });
          if (moved.count !== 1)
            throw conflict(`Project ${project.id} is ${project.status} or was changed meanwhile; only a planned project is tendered.`);
          const id = randomUUID();
          await tx.tender.create({ data: { ...tender, id } });
          await audit(tx, 'Tender', id, 'PUBLISH', actor, tender);
          return toTender(await tx.tender.findUniqueOrThrow({ where: { id }, select: TENDER_SELECT }));
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`Project ${tender.projectId} already has a tender under way.`);
        throw error;
      }
    },

    /**
     * Records the evaluation of every live bid and decides: `decide` returns the winning bid or
     * null (unsuccessful: the project returns to PLANNED for a re-tender or method change).
     */
    async evaluate(
      tenderId: string,
      expectedVersion: number,
      scores: Map<string, { qualified: boolean; score: number | undefined }>,
      actor: Actor,
      decide: (tender: TenderModel, bids: BidModel[]) => { winner: BidModel; noticeDate: string; objectionDeadline: string } | null,
    ): Promise<TenderModel> {
      return prisma.$transaction(async (tx) => {
        const tender = await lockedTender(tx, tenderId);
        if (expectedVersion !== tender.version) {
          throw conflict(`Tender ${tenderId} changed meanwhile (now version ${tender.version}).`, { field: 'input.expectedVersion' });
        }
        const live = (await tx.bid.findMany({ where: { tenderId, withdrawnAt: null }, orderBy: { id: 'asc' } })).map(toBid);
        for (const bid of live) {
          const entry = scores.get(bid.id);
          if (!entry) throw ruleBroken('EVERY_BID_EVALUATED', `Bid ${bid.id} has no evaluation.`, 'input.scores');
          await tx.bid.update({ where: { id: bid.id }, data: { qualified: entry.qualified, score: entry.score ?? null } });
          bid.qualified = entry.qualified;
          bid.score = entry.score === undefined ? null : fromDecimalColumn(new Prisma.Decimal(entry.score));
        }
        for (const id of scores.keys()) {
          if (!live.some((bid) => bid.id === id)) throw badScore(id);
        }
        const decision = decide(tender, live);
        await tx.tender.update({
          where: { id: tenderId },
          data: decision
            ? {
                status: 'AWARDED',
                awardedBidId: decision.winner.id,
                awardAmount: decision.winner.price,
                awardNoticeDate: toDateColumn(decision.noticeDate),
                awardedAt: new Date(),
                objectionDeadline: toDateColumn(decision.objectionDeadline),
                version: { increment: 1 },
              }
            : { status: 'UNSUCCESSFUL', version: { increment: 1 } },
        });
        await tx.project.update({
          where: { id: tender.projectId },
          data: { status: decision ? 'AWARDED' : 'PLANNED', version: { increment: 1 }, updatedAt: new Date() },
        });
        await audit(tx, 'Tender', tenderId, decision ? 'AWARD' : 'FAIL', actor, {
          qualified: live.filter((bid) => bid.qualified).length,
          winner: decision?.winner.id,
        });
        return toTender(await tx.tender.findUniqueOrThrow({ where: { id: tenderId }, select: TENDER_SELECT }));
      });
    },

    async cancel(tenderId: string, reason: string, actor: Actor, check: (tender: TenderModel) => void): Promise<TenderModel> {
      return prisma.$transaction(async (tx) => {
        const tender = await lockedTender(tx, tenderId);
        check(tender);
        await tx.tender.update({ where: { id: tenderId }, data: { status: 'CANCELLED', version: { increment: 1 } } });
        await tx.project.update({
          where: { id: tender.projectId },
          data: { status: 'PLANNED', version: { increment: 1 }, updatedAt: new Date() },
        });
        await audit(tx, 'Tender', tenderId, 'CANCEL', actor, undefined, reason);
        return toTender(await tx.tender.findUniqueOrThrow({ where: { id: tenderId }, select: TENDER_SELECT }));
      });
    },

    async fileObjection(
      tenderId: string,
      organizationId: string,
      reason: string,
      actor: Actor,
      check: (tender: TenderModel, bids: BidModel[]) => void,
    ): Promise<ObjectionModel> {
      return prisma.$transaction(async (tx) => {
        const tender = await lockedTender(tx, tenderId);
        check(tender, (await tx.bid.findMany({ where: { tenderId, organizationId } })).map(toBid));
        const objection = await tx.objection.create({ data: { id: randomUUID(), tenderId, organizationId, reason } });
        await audit(tx, 'Objection', objection.id, 'FILE', actor, { tenderId }, reason);
        return objection;
      });
    },
  };
}
