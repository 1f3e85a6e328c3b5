import { randomUUID } from 'node:crypto';
import type { Actor } from '../../../../lib/kernel/actor';
import { fromDateColumn, toDateColumn } from '../../../../lib/kernel/dates';
import { isUuid } from '../../../../lib/kernel/ids';
import type { Page } from '../../../../lib/runtime/connections';
import { Prisma } from '../generated/prisma/client';
import type { ClearanceStatus } from '../generated/graphql';
import type { ClearanceQueryModel, DevelopmentModel, NewDevelopment } from '../models';
import { audit, under, type StoreClient } from './client';

type Cursor = Page<(string | number)[]>;

/** Developments after the cursor's (name, id), for keyset paging in name order. */
function afterName(after: (string | number)[]): Prisma.DevelopmentWhereInput {
  return { OR: [{ name: { gt: String(after[0]) } }, { name: String(after[0]), id: { gt: String(after[1]) } }] };
}

/** One page of developments for each developer at once: one statement (a LIMITed lateral per developer). */
function pagePerDeveloper(developers: string[], page: Cursor) {
  const after = page.after ? Prisma.sql`AND (d.name, d.id) > (${String(page.after[0])}, ${String(page.after[1])}::uuid)` : Prisma.empty;
  return Prisma.sql`
        SELECT o.id::text AS owner, d.id::text AS id
          FROM unnest(${developers}::uuid[]) AS o(id)
          CROSS JOIN LATERAL (
            SELECT d.id, d.name FROM housing.development d
             WHERE d.developer_id = o.id ${after}
             ORDER BY d.name, d.id LIMIT ${page.first + 1}) AS d
         ORDER BY o.id, d.name, d.id`;
}

function toDevelopment(row: Prisma.DevelopmentGetPayload<object>): DevelopmentModel {
  return {
    id: row.id,
    developerId: row.developerId,
    communityCode: row.communityCode,
    name: row.name,
    landGrantDate: fromDateColumn(row.landGrantDate),
    plannedHouseholds: row.plannedHouseholds,
    acquisition: row.acquisition,
  };
}

function toClearanceQuery(row: Prisma.ClearanceQueryGetPayload<object>): ClearanceQueryModel {
  return {
    id: row.id.toString(),
    askedBy: row.askedBy,
    askedArea: row.askedArea,
    status: row.status as ClearanceStatus,
    reasons: row.reasons as string[],
    askedAt: row.askedAt,
  };
}

export function developmentsStore(db: StoreClient) {
  return {
    async byId(ids: readonly string[]): Promise<DevelopmentModel[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return (await db.development.findMany({ where: { id: { in: valid } } })).map(toDevelopment);
    },

    async page(within: string, page: Cursor): Promise<DevelopmentModel[]> {
      const where: Prisma.DevelopmentWhereInput = { communityCode: under(within) };
      const rows = await db.development.findMany({
        where: page.after ? { AND: [where, afterName(page.after)] } : where,
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
        take: page.first + 1,
      });
      return rows.map(toDevelopment);
    },

    count: (within: string) => db.development.count({ where: { communityCode: under(within) } }),

    async idsOfDevelopers(developers: readonly string[], page: Cursor): Promise<{ owner: string; id: string }[]> {
      const valid = developers.filter(isUuid);
      if (valid.length === 0) return [];
      return db.$queryRaw<{ owner: string; id: string }[]>(pagePerDeveloper(valid, page));
    },

    async countOfDevelopers(developers: readonly string[]): Promise<{ key: string; count: number }[]> {
      const rows = await db.development.groupBy({
        by: ['developerId'],
        where: { developerId: { in: developers.filter(isUuid) } },
        _count: { _all: true },
      });
      return rows.map((row) => ({ key: row.developerId, count: row._count._all }));
    },

    async register(development: NewDevelopment, actor: Actor): Promise<DevelopmentModel> {
      const id = randomUUID();
      return db.$transaction(async (tx) => {
        const row = await tx.development.create({ data: { ...development, id, landGrantDate: toDateColumn(development.landGrantDate) } });
        await audit(
          tx,
          {
            entityType: 'Development',
            entityId: id,
            communityCode: development.communityCode,
            action: 'REGISTER',
            detail: { ...development },
          },
          actor,
        );
        return toDevelopment(row);
      });
    },

    /** The log of the housing authority's clearance queries on a development, latest first. */
    async clearanceQueries(developmentId: string, page: Cursor): Promise<ClearanceQueryModel[]> {
      const after = page.after ? { id: { lt: BigInt(String(page.after[0])) } } : {};
      const rows = await db.clearanceQuery.findMany({
        where: { developmentId, ...after },
        orderBy: { id: 'desc' },
        take: page.first + 1,
      });
      return rows.map(toClearanceQuery);
    },

    countClearanceQueries: (developmentId: string) => db.clearanceQuery.count({ where: { developmentId } }),

    async recordClearanceQuery(developmentId: string, status: ClearanceStatus, reasons: string[], actor: Actor): Promise<void> {
      await db.clearanceQuery.create({
        data: { developmentId, askedBy: actor.id, askedArea: actor.area, status, reasons, requestId: actor.requestId },
      });
    },
  };
}
