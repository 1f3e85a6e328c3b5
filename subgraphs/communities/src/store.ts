import type { Database, OnQuery } from '../../../lib/db';
import { isUniqueViolation, likeLiteral, searchGrams, scopedClient } from '../../../lib/db';
import { conflict, notFound } from '../../../lib/errors';
import { codesWithPrefix, significantPrefix } from '../../../lib/auth';
import type { Page } from '../../../lib/graphql/connections';
import { Prisma, PrismaClient } from './generated/prisma/client';
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

/** Communities read together with the areas they sit in (their own, street, district, city). */
export interface CommunitiesWithAreas {
  communities: CommunityModel[];
  areas: AreaModel[];
}

function toCommunity(area: { code: string; name: string; parentCode: string | null }, row: CommunityRow): CommunityModel {
  return { ...row, code: area.code, name: area.name, parentCode: area.parentCode! };
}

function communityConditions(filter: CommunityFilter): Prisma.Sql {
  const conditions = [Prisma.sql`a.level = 'COMMUNITY'`];
  if (filter.within) {
    const { gte, lte } = codesWithPrefix(significantPrefix(filter.within));
    conditions.push(Prisma.sql`a.code BETWEEN ${gte}::char(12) AND ${lte}::char(12)`);
  }
  const needle = filter.nameContains?.trim();
  if (needle) {
    // The GIN index on name_grams narrows the rows; ILIKE checks the exact substring.
    conditions.push(Prisma.sql`a.name_grams @> ${searchGrams(needle)}::text[]`);
    conditions.push(Prisma.sql`a.name ILIKE ${`%${likeLiteral(needle)}%`}`);
  }
  return Prisma.join(conditions, ' AND ');
}

/** One row: a community, its figures, and the street, district and city above it that exist. */
type JoinedRow = CommunityModel & { officialCode: boolean; above: AreaModel[] | null };

export function createCommunitiesStore(database: Database, onQuery?: OnQuery) {
  // Every transaction bounded by the request's deadline and guarded by its idempotency key (lib/db/scope.ts).
  const prisma = scopedClient(
    new PrismaClient({
      adapter: database.adapter,
      log: onQuery ? [{ emit: 'event', level: 'query' }] : [],
    }),
    'communities',
  );
  if (onQuery) prisma.$on('query' as never, (event: Prisma.QueryEvent) => onQuery(event.query, event.params));

  /**
   * Communities with their figures and the areas above them in one statement (primary-key lookups),
   * so a page of communities with its streets, districts and ancestors costs one read, not four.
   */
  async function communityRows(conditions: Prisma.Sql, limit?: number): Promise<CommunitiesWithAreas> {
    const rows = await prisma.$queryRaw<JoinedRow[]>`
      SELECT a.code, a.name, a.parent_code AS "parentCode", a.official_code AS "officialCode",
             c.households, c.population, c.committee_contact AS "committeeContact", c.committee_phone AS "committeePhone",
             c.service_station_address AS "serviceStationAddress", c.service_station_phone AS "serviceStationPhone",
             c.version, c.updated_at AS "updatedAt",
             (SELECT json_agg(json_build_object('code', x.code, 'name', x.name, 'level', x.level, 'parentCode', x.parent_code,
                                                'officialCode', x.official_code))
                FROM communities.area x
               WHERE x.code IN (a.parent_code, rpad(left(a.code, 6), 12, '0')::char(12), rpad(left(a.code, 4), 12, '0')::char(12))) AS above
        FROM communities.area a
        JOIN communities.community c ON c.code = a.code
       WHERE ${conditions}
       ORDER BY a.code
       ${limit === undefined ? Prisma.empty : Prisma.sql`LIMIT ${limit}`}`;
    const communities: CommunityModel[] = [];
    const areas = new Map<string, AreaModel>();
    for (const { above, officialCode, ...community } of rows) {
      communities.push(community);
      areas.set(community.code, { code: community.code, name: community.name, level: 'COMMUNITY', parentCode: community.parentCode, officialCode });
      for (const area of above ?? []) areas.set(area.code, area);
    }
    return { communities, areas: [...areas.values()] };
  }

  return {
    async areasByCode(codes: readonly string[]): Promise<AreaModel[]> {
      return prisma.area.findMany({ where: { code: { in: [...codes] } }, select: AREA_COLUMNS });
    },

    async communitiesByCode(codes: readonly string[]): Promise<CommunitiesWithAreas> {
      return communityRows(Prisma.sql`a.level = 'COMMUNITY' AND a.code = ANY(${[...codes]}::char(12)[])`);
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

    async communityPage(filter: CommunityFilter, page: Page<(string | number)[]>): Promise<CommunitiesWithAreas> {
      const after = page.after ? Prisma.sql` AND a.code > ${String(page.after[0])}::char(12)` : Prisma.empty;
      return communityRows(Prisma.sql`${communityConditions(filter)}${after}`, page.first + 1);
    },

    async countCommunities(filter: CommunityFilter): Promise<number> {
      const [{ total }] = await prisma.$queryRaw<[{ total: number }]>`
        SELECT count(*)::int AS total FROM communities.area a WHERE ${communityConditions(filter)}`;
      return total;
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
     * Applies changes to a community if it is still at `expectedVersion`, bumping its
     * version and writing the audit event in the same transaction.
     */
    async updateCommunity(
      code: string,
      changes: CommunityChanges,
      expectedVersion: number,
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
        if (expectedVersion !== current.version) {
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
