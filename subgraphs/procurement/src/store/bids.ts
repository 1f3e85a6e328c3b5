import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../../../lib/runtime/db';
import { conflict, notFound, ruleBroken } from '../../../../lib/kernel/errors';
import type { Page } from '../../../../lib/runtime/connections';
import type { Actor } from '../../../../lib/kernel/actor';
import { isUuid } from '../../../../lib/kernel/ids';
import { Prisma } from '../generated/prisma/client';
import type { BidModel, PartySnapshot, TenderModel } from '../models';
import { audit, lockedTender, TENDER_SELECT, toBid, toTender, type Key, type StoreClient } from './client';

/** Sealed bids on a tender: submitted while it is open, withdrawn by their bidder. */

/**
 * One page of bids per organisation, for every organisation asked at once: a LIMITed lateral
 * subquery each, so a page of organisations with their bids stays one flat statement.
 */
const ORGANIZATION_BID_PAGE = (organizationIds: string[], page: Page<Key>) => {
  const after = page.after ? Prisma.sql`AND b.id > ${String(page.after[1])}::uuid` : Prisma.empty;
  return Prisma.sql`
    SELECT o.id AS "organizationId", b.id::text AS id
      FROM unnest(${organizationIds}::uuid[]) AS o(id)
      CROSS JOIN LATERAL (
        SELECT b.id FROM procurement.bid b
         WHERE b.organization_id = o.id ${after}
         ORDER BY b.id LIMIT ${page.first + 1}
      ) AS b
     ORDER BY o.id, b.id`;
};

/** Every bid an organisation made, withdrawn ones included (they stay on its record). */
const ORGANIZATION_BID_COUNTS = (organizationIds: string[]) => Prisma.sql`
  SELECT organization_id::text AS "organizationId", count(*)::int AS count FROM procurement.bid
   WHERE organization_id = ANY(${organizationIds}::uuid[]) GROUP BY organization_id`;

export function bidsStore(prisma: StoreClient) {
  return {
    async byId(ids: readonly string[]): Promise<BidModel[]> {
      return (await prisma.bid.findMany({ where: { id: { in: ids.filter(isUuid) } } })).map(toBid);
    },

    async byTender(tenderIds: readonly string[]): Promise<BidModel[]> {
      const rows = await prisma.bid.findMany({
        where: { tenderId: { in: [...tenderIds] } },
        orderBy: [{ tenderId: 'asc' }, { submittedAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toBid);
    },

    async liveCounts(tenderIds: readonly string[]): Promise<{ tenderId: string; count: number }[]> {
      const rows = await prisma.bid.groupBy({
        by: ['tenderId'],
        where: { tenderId: { in: [...tenderIds] }, withdrawnAt: null },
        _count: { _all: true },
      });
      return rows.map((row) => ({ tenderId: row.tenderId, count: row._count._all }));
    },

    async organizationPage(organizationIds: readonly string[], page: Page<Key>): Promise<{ organizationId: string; id: string }[]> {
      return prisma.$queryRaw<{ organizationId: string; id: string }[]>(ORGANIZATION_BID_PAGE(organizationIds.filter(isUuid), page));
    },

    async countByOrganization(organizationIds: readonly string[]): Promise<{ organizationId: string; count: number }[]> {
      return prisma.$queryRaw<{ organizationId: string; count: number }[]>(ORGANIZATION_BID_COUNTS(organizationIds.filter(isUuid)));
    },

    /** A bid; a second live bid by the same organisation (even at the same instant) is a CONFLICT. */
    async submit(
      tenderId: string,
      bidder: PartySnapshot,
      price: string,
      proposal: string,
      actor: Actor,
      check: (tender: TenderModel) => void,
    ): Promise<BidModel> {
      try {
        return await prisma.$transaction(async (tx) => {
          const tender = toTender(await tx.tender.findUniqueOrThrow({ where: { id: tenderId }, select: TENDER_SELECT }));
          check(tender);
          const row = await tx.bid.create({
            data: {
              id: randomUUID(),
              tenderId,
              organizationId: bidder.id,
              organizationName: bidder.name,
              creditCode: bidder.creditCode,
              price,
              proposal,
            },
          });
          // The price is sealed: the audit event records the bid, not its amount.
          await audit(tx, 'Bid', row.id, 'SUBMIT', actor, { tenderId, organizationId: bidder.id });
          return toBid(row);
        });
      } catch (error) {
        if (isUniqueViolation(error))
          throw ruleBroken('ONE_BID_PER_ORGANIZATION', `Organisation ${bidder.id} already has a bid on tender ${tenderId}.`);
        throw error;
      }
    },

    async withdraw(bidId: string, actor: Actor, check: (bid: BidModel, tender: TenderModel) => void): Promise<BidModel> {
      return prisma.$transaction(async (tx) => {
        const bid = await tx.bid.findUnique({ where: { id: bidId } });
        if (!bid) throw notFound(`No bid ${bidId}.`);
        const tender = await lockedTender(tx, bid.tenderId);
        check(toBid(bid), tender);
        const { count } = await tx.bid.updateMany({ where: { id: bidId, withdrawnAt: null }, data: { withdrawnAt: new Date() } });
        if (count !== 1) throw conflict(`Bid ${bidId} is already withdrawn.`);
        await audit(tx, 'Bid', bidId, 'WITHDRAW', actor);
        return toBid(await tx.bid.findUniqueOrThrow({ where: { id: bidId } }));
      });
    },
  };
}
