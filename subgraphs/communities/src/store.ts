import type { Database } from '../../../lib/db';
import { isUniqueViolation, searchGrams } from '../../../lib/db';
import { conflict, notFound } from '../../../lib/errors';
import { codesWithPrefix, significantPrefix } from '../../../lib/auth';
import type { Page } from '../../../lib/graphql/connections';
import { PrismaClient, type Prisma } from './generated/prisma/client';
import type { AreaLevel } from './generated/prisma/enums';
import type { AreaModel, CommunityModel } from './models';
import { checkFiguresAgree } from './rules';

/** The one module of this subgraph that touches Prisma. */

const AREA_COLUMNS = { code: true, name: true, level: true, parentCode: true, officialCode: true } as const;

const COMMUNITY_COLUMNS = {
  code: true,
  households: true,
  population: true,
  committeeContact: true,
  committeePhone: true,
  serviceStationAddress: true,
  serviceStationPhone: true,
  version: true,
  updatedAt: true,
} as const;

export interface AreaFilter {
  parentCode?: string;
  level?: AreaLevel;
}

export interface CommunityFilter {
  within?: string;
  nameContains?: string;
}

export interface Actor {
  id: string;
  requestId: string;
}

export interface NewArea {
  code: string;
  name: string;
  level: AreaLevel;
  parentCode: string | null;
  officialCode: boolean;
  households?: number;
  population?: number;
}

export interface CommunityChanges {
  households?: number;
  population?: number;
  committeeContact?: string | null;
  committeePhone?: string | null;
  serviceStationAddress?: string | null;
  serviceStationPhone?: string | null;
}

type CommunityRow = Prisma.CommunityGetPayload<{ select: typeof COMMUNITY_COLUMNS }>;

function toCommunity(area: { code: string; name: string; parentCode: string | null }, row: CommunityRow): CommunityModel {
  return { ...row, code: area.code, name: area.name, parentCode: area.parentCode! };
}

function communityWhere(filter: CommunityFilter): Prisma.AreaWhereInput {
  const where: Prisma.AreaWhereInput = { level: 'COMMUNITY' };
  if (filter.within) where.code = codesWithPrefix(significantPrefix(filter.within));
  const needle = filter.nameContains?.trim();
  if (needle) {
    // The GIN index on name_grams narrows the rows; LIKE checks the exact substring.
    where.nameGrams = { hasEvery: searchGrams(needle) };
    where.name = { contains: needle, mode: 'insensitive' };
  }
  return where;
}

export function createCommunitiesStore(database: Database, onQuery?: (sql: string) => void) {
  const prisma = new PrismaClient({
    adapter: database.adapter,
    log: onQuery ? [{ emit: 'event', level: 'query' }] : [],
  });
  if (onQuery) prisma.$on('query' as never, (event: Prisma.QueryEvent) => onQuery(event.query));

  async function communityRows(where: Prisma.AreaWhereInput, page?: Page<(string | number)[]>) {
    const areas = await prisma.area.findMany({
      where: page?.after ? { AND: [where, { code: { gt: String(page.after[0]) } }] } : where,
      select: { code: true, name: true, parentCode: true, community: { select: COMMUNITY_COLUMNS } },
      orderBy: { code: 'asc' },
      take: page ? page.first + 1 : undefined,
    });
    return areas.map((area) => {
      if (!area.community) throw new Error(`Community ${area.code} has no figures row.`);
      return toCommunity(area, area.community);
    });
  }

  return {
    async areasByCode(codes: readonly string[]): Promise<AreaModel[]> {
      return prisma.area.findMany({ where: { code: { in: [...codes] } }, select: AREA_COLUMNS });
    },

    async communitiesByCode(codes: readonly string[]): Promise<CommunityModel[]> {
      return communityRows({ code: { in: [...codes] }, level: 'COMMUNITY' });
    },

    async areaPage(filter: AreaFilter, page: Page<(string | number)[]>): Promise<AreaModel[]> {
      return prisma.area.findMany({
        where: { ...filter, ...(page.after ? { code: { gt: String(page.after[0]) } } : {}) },
        select: AREA_COLUMNS,
        orderBy: { code: 'asc' },
        take: page.first + 1,
      });
    },

    /**
     * One page of children for each of many parents in one statement (a window over parent_code),
     * so listing the children of every area on a page does not cost a query per area.
     */
    async childrenPages(parentCodes: readonly string[], page: Page<(string | number)[]>): Promise<AreaModel[]> {
      const after = page.after ? String(page.after[0]) : '';
      const rows = await prisma.$queryRaw<(AreaModel & { rank: bigint })[]>`
        SELECT code, name, level::text AS level, parent_code AS "parentCode", official_code AS "officialCode"
          FROM (SELECT a.*, row_number() OVER (PARTITION BY a.parent_code ORDER BY a.code) AS rank
                  FROM communities.area a
                 WHERE a.parent_code = ANY(${[...parentCodes]}::char(12)[]) AND a.code > ${after}) ranked
         WHERE rank <= ${page.first + 1}
         ORDER BY parent_code, code`;
      return rows.map(({ rank: _rank, ...area }) => area);
    },

    /** Child counts for many parents in one grouped statement. */
    async countChildren(parentCodes: readonly string[]): Promise<Map<string, number>> {
      const groups = await prisma.area.groupBy({ by: ['parentCode'], where: { parentCode: { in: [...parentCodes] } }, _count: { _all: true } });
      return new Map(groups.map((group) => [group.parentCode!, group._count._all]));
    },

    async countAreas(filter: AreaFilter): Promise<number> {
      return prisma.area.count({ where: { ...filter } });
    },

    async communityPage(filter: CommunityFilter, page: Page<(string | number)[]>): Promise<CommunityModel[]> {
      return communityRows(communityWhere(filter), page);
    },

    async countCommunities(filter: CommunityFilter): Promise<number> {
      return prisma.area.count({ where: communityWhere(filter) });
    },

    /** Registers an area (and a community's figures) with its audit event, all or nothing. */
    async registerArea(area: NewArea, actor: Actor): Promise<AreaModel> {
      try {
        return await prisma.$transaction(async (tx) => {
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
          await tx.auditEvent.create({
            data: {
              entityType: 'Area',
              entityId: area.code,
              action: 'REGISTER',
              actor: actor.id,
              requestId: actor.requestId,
              after: { ...area },
            },
          });
          return created;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`Area ${area.code} is already registered.`, { field: 'input.code' });
        throw error;
      }
    },

    /**
     * Applies changes to a community if it is still at `expectedVersion` (when given), bumping its
     * version and writing the audit event in the same transaction.
     */
    async updateCommunity(
      code: string,
      changes: CommunityChanges,
      expectedVersion: number | undefined,
      reason: string | undefined,
      actor: Actor,
    ): Promise<CommunityModel> {
      return prisma.$transaction(async (tx) => {
        const area = await tx.area.findUnique({
          where: { code },
          select: { code: true, name: true, parentCode: true, community: { select: COMMUNITY_COLUMNS } },
        });
        if (!area?.community) throw notFound(`No community ${code} is registered.`);
        const current = area.community;
        if (expectedVersion !== undefined && expectedVersion !== current.version) {
          throw conflict(`Community ${code} was changed by someone else (now version ${current.version}); reload and retry.`, {
            field: 'input.expectedVersion',
            currentVersion: current.version,
          });
        }
        checkFiguresAgree(
          { households: changes.households ?? current.households, population: changes.population ?? current.population },
          changes,
        );
        const { count } = await tx.community.updateMany({
          where: { code, version: current.version },
          data: { ...changes, version: { increment: 1 }, updatedAt: new Date() },
        });
        if (count !== 1) throw conflict(`Community ${code} was changed by someone else meanwhile; reload and retry.`);
        const before = Object.fromEntries(Object.keys(changes).map((key) => [key, current[key as keyof CommunityRow]]));
        await tx.auditEvent.create({
          data: {
            entityType: 'Community',
            entityId: code,
            action: 'UPDATE',
            actor: actor.id,
            reason,
            requestId: actor.requestId,
            before: before as Prisma.InputJsonObject,
            after: changes as Prisma.InputJsonObject,
          },
        });
        const updated = await tx.community.findUniqueOrThrow({ where: { code }, select: COMMUNITY_COLUMNS });
        return toCommunity(area, updated);
      });
    },

    /** Audit trail of one entity, newest first (tests and support staff read it). */
    async auditTrail(entityType: string, entityId: string) {
      return prisma.auditEvent.findMany({ where: { entityType, entityId }, orderBy: { id: 'desc' } });
    },

    close: () => prisma.$disconnect(),
  };
}

export type CommunitiesStore = ReturnType<typeof createCommunitiesStore>;
