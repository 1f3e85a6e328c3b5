import { isUniqueViolation } from '../../../../lib/runtime/db';
import { conflict } from '../../../../lib/kernel/errors';
import type { Page } from '../../../../lib/runtime/connections';
import type { Actor } from '../../../../lib/kernel/actor';
import { Prisma } from '../generated/prisma/client';
import type { AreaFilter, AreaModel, NewArea } from '../models';
import { AREA_COLUMNS, audit, type StoreClient } from './client';

/**
 * One page of children for each of many parents in one statement (a window over parent_code),
 * so listing the children of every area on a page does not cost a query per area.
 */
function childrenPagesOf(parentCodes: readonly string[], page: Page<(string | number)[]>): Prisma.Sql {
  const after = page.after ? String(page.after[0]) : '';
  return Prisma.sql`
        SELECT code, name, level::text AS level, parent_code AS "parentCode", official_code AS "officialCode"
          FROM (SELECT a.*, row_number() OVER (PARTITION BY a.parent_code ORDER BY a.code) AS rank
                  FROM communities.area a
                 WHERE a.parent_code = ANY(${[...parentCodes]}::char(12)[]) AND a.code > ${after}) ranked
         WHERE rank <= ${page.first + 1}
         ORDER BY parent_code, code`;
}

/** The city's administrative areas: city, districts, streets and communities, each under its parent. */
export function areasStore(db: StoreClient) {
  return {
    async byCodes(codes: readonly string[]): Promise<AreaModel[]> {
      return db.area.findMany({ where: { code: { in: [...codes] } }, select: AREA_COLUMNS });
    },

    async page(filter: AreaFilter, page: Page<(string | number)[]>): Promise<AreaModel[]> {
      return db.area.findMany({
        where: { ...filter, ...(page.after ? { code: { gt: String(page.after[0]) } } : {}) },
        select: AREA_COLUMNS,
        orderBy: { code: 'asc' },
        take: page.first + 1,
      });
    },

    async count(filter: AreaFilter): Promise<number> {
      return db.area.count({ where: { ...filter } });
    },

    async childrenPages(parentCodes: readonly string[], page: Page<(string | number)[]>): Promise<AreaModel[]> {
      const rows = await db.$queryRaw<(AreaModel & { rank: bigint })[]>(childrenPagesOf(parentCodes, page));
      return rows.map(({ rank: _rank, ...area }) => area);
    },

    /** Child counts for many parents in one grouped statement. */
    async countChildren(parentCodes: readonly string[]): Promise<Map<string, number>> {
      const groups = await db.area.groupBy({ by: ['parentCode'], where: { parentCode: { in: [...parentCodes] } }, _count: { _all: true } });
      return new Map(groups.map((group) => [group.parentCode!, group._count._all]));
    },

    /** Registers an area (and a community's figures) with its audit event, all or nothing. */
    async register(area: NewArea, actor: Actor): Promise<AreaModel> {
      try {
        return await db.$transaction(async (tx) => {
          const created = await tx.area.create({
            data: {
              code: area.code,
              name: area.name,
              level: area.level,
              parentCode: area.parentCode,
              officialCode: area.officialCode,
            },
            select: AREA_COLUMNS,
          });
          if (area.level === 'COMMUNITY') {
            await tx.community.create({
              data: { code: area.code, households: area.households ?? 0, population: area.population ?? 0 },
            });
          }
          await audit(tx, { entityType: 'Area', entityId: area.code, action: 'REGISTER', after: { ...area } }, actor);
          return created;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`Area ${area.code} is already registered.`, { field: 'input.code' });
        throw error;
      }
    },
  };
}
