import { randomUUID } from 'node:crypto';
import type { Actor } from '../../../../lib/kernel/actor';
import { fromDateColumn, toDateColumn } from '../../../../lib/kernel/dates';
import { conflict } from '../../../../lib/kernel/errors';
import { isUuid } from '../../../../lib/kernel/ids';
import { fromDecimalColumn } from '../../../../lib/kernel/money';
import type { Page } from '../../../../lib/runtime/connections';
import { Prisma } from '../generated/prisma/client';
import type { LeaseModel, NewLease } from '../models';
import { audit, under, type StoreClient } from './client';

type Cursor = Page<(string | number)[]>;

/** One page of leases for each community at once, by end date: one statement (a LIMITed lateral per community). */
function pagePerCommunity(codes: string[], page: Cursor) {
  const after = page.after
    ? Prisma.sql`AND (l.ends_on, l.id) > (${String(page.after[0])}::date, ${String(page.after[1])}::uuid)`
    : Prisma.empty;
  return Prisma.sql`
        SELECT c.code AS owner, l.id::text AS id
          FROM unnest(${codes}::text[]) AS c(code)
          CROSS JOIN LATERAL (
            SELECT l.id, l.ends_on FROM housing.lease l
             WHERE l.community_code = c.code::bpchar ${after}
             ORDER BY l.ends_on, l.id LIMIT ${page.first + 1}) AS l
         ORDER BY c.code, l.ends_on, l.id`;
}

/** Leases under the area ending from `from` to `until`, both days included. */
function endingBetween(within: string, from: string, until: string): Prisma.LeaseWhereInput {
  return { communityCode: under(within), endsOn: { gte: toDateColumn(from), lte: toDateColumn(until) } };
}

/** Leases after the cursor's (end date, id). */
function afterEnd(after: (string | number)[]): Prisma.LeaseWhereInput {
  return {
    OR: [{ endsOn: { gt: toDateColumn(String(after[0])) } }, { endsOn: toDateColumn(String(after[0])), id: { gt: String(after[1]) } }],
  };
}

/** The same space let for overlapping days: the lease_no_overlap exclusion constraint (23P01). */
function isOverlap(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  const text = error instanceof Error ? error.message : '';
  return code === '23P01' || text.includes('lease_no_overlap') || text.includes('23P01');
}

function toLease(row: Prisma.LeaseGetPayload<object>): LeaseModel {
  return {
    id: row.id,
    communityCode: row.communityCode,
    landlord: row.landlord,
    address: row.address,
    area: fromDecimalColumn(row.area),
    monthlyRent: fromDecimalColumn(row.monthlyRent),
    startsOn: fromDateColumn(row.startsOn),
    endsOn: fromDateColumn(row.endsOn),
  };
}

export function leasesStore(db: StoreClient, today: () => string) {
  return {
    async byId(ids: readonly string[]): Promise<LeaseModel[]> {
      return (await db.lease.findMany({ where: { id: { in: ids.filter(isUuid) } } })).map(toLease);
    },

    idsOfCommunities: (codes: readonly string[], page: Cursor) =>
      db.$queryRaw<{ owner: string; id: string }[]>(pagePerCommunity([...codes], page)),

    async countOfCommunities(codes: readonly string[]): Promise<{ key: string; count: number }[]> {
      const rows = await db.lease.groupBy({ by: ['communityCode'], where: { communityCode: { in: [...codes] } }, _count: { _all: true } });
      return rows.map((row) => ({ key: row.communityCode, count: row._count._all }));
    },

    /** Leases under the area ending from today to `until`, soonest first. */
    async expiring(within: string, until: string, page: Cursor): Promise<LeaseModel[]> {
      const where = endingBetween(within, today(), until);
      const rows = await db.lease.findMany({
        where: page.after ? { AND: [where, afterEnd(page.after)] } : where,
        orderBy: [{ endsOn: 'asc' }, { id: 'asc' }],
        take: page.first + 1,
      });
      return rows.map(toLease);
    },

    countExpiring: (within: string, until: string) => db.lease.count({ where: endingBetween(within, today(), until) }),

    async record(lease: NewLease, actor: Actor): Promise<LeaseModel> {
      const id = randomUUID();
      try {
        return await db.$transaction(async (tx) => {
          const row = await tx.lease.create({
            data: { ...lease, id, startsOn: toDateColumn(lease.startsOn), endsOn: toDateColumn(lease.endsOn), createdBy: actor.id },
          });
          await audit(
            tx,
            { entityType: 'Lease', entityId: id, communityCode: lease.communityCode, action: 'RECORD', detail: { ...lease } },
            actor,
          );
          return toLease(row);
        });
      } catch (error) {
        if (isOverlap(error))
          throw conflict(`${lease.address} is already let for days overlapping ${lease.startsOn}–${lease.endsOn}.`, {
            field: 'input.startsOn',
          });
        throw error;
      }
    },
  };
}
