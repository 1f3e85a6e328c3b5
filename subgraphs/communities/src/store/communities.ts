import { likeLiteral, searchGrams } from '../../../../lib/runtime/db';
import { conflict, notFound } from '../../../../lib/kernel/errors';
import { codesWithPrefix, significantPrefix } from '../../../../lib/kernel/auth';
import type { Page } from '../../../../lib/runtime/connections';
import type { Actor } from '../../../../lib/kernel/actor';
import { Prisma } from '../generated/prisma/client';
import type { AreaModel, CommunitiesWithAreas, CommunityChanges, CommunityFilter, CommunityModel } from '../models';
import { checkFiguresAgree } from '../rules';
import { audit, type StoreClient } from './client';

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

type CommunityRow = Prisma.CommunityGetPayload<{ select: typeof COMMUNITY_COLUMNS }>;

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

/**
 * Communities with their figures and the areas above them in one statement (primary-key lookups),
 * so a page of communities with its streets, districts and ancestors costs one read, not four.
 */
function communitiesWithAreas(conditions: Prisma.Sql, limit?: number): Prisma.Sql {
  return Prisma.sql`
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
}

/** Communities (社区) with their households, population and contacts. */
export function communitiesStore(db: StoreClient) {
  async function communityRows(conditions: Prisma.Sql, limit?: number): Promise<CommunitiesWithAreas> {
    const rows = await db.$queryRaw<JoinedRow[]>(communitiesWithAreas(conditions, limit));
    const communities: CommunityModel[] = [];
    const areas = new Map<string, AreaModel>();
    for (const { above, officialCode, ...community } of rows) {
      communities.push(community);
      areas.set(community.code, {
        code: community.code,
        name: community.name,
        level: 'COMMUNITY',
        parentCode: community.parentCode,
        officialCode,
      });
      for (const area of above ?? []) areas.set(area.code, area);
    }
    return { communities, areas: [...areas.values()] };
  }

  return {
    async byCodes(codes: readonly string[]): Promise<CommunitiesWithAreas> {
      return communityRows(Prisma.sql`a.level = 'COMMUNITY' AND a.code = ANY(${[...codes]}::char(12)[])`);
    },

    async page(filter: CommunityFilter, page: Page<(string | number)[]>): Promise<CommunitiesWithAreas> {
      const after = page.after ? Prisma.sql` AND a.code > ${String(page.after[0])}::char(12)` : Prisma.empty;
      return communityRows(Prisma.sql`${communityConditions(filter)}${after}`, page.first + 1);
    },

    async count(filter: CommunityFilter): Promise<number> {
      const [{ total }] = await db.$queryRaw<[{ total: number }]>`
        SELECT count(*)::int AS total FROM communities.area a WHERE ${communityConditions(filter)}`;
      return total;
    },

    /**
     * Applies changes to a community if it is still at `expectedVersion`, bumping its
     * version and writing the audit event in the same transaction.
     */
    async update(
      code: string,
      changes: CommunityChanges,
      expectedVersion: number,
      reason: string | undefined,
      actor: Actor,
    ): Promise<CommunityModel> {
      return db.$transaction(async (tx) => {
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
        await audit(tx, { entityType: 'Community', entityId: code, action: 'UPDATE', reason, before, after: changes }, actor);
        const updated = await tx.community.findUniqueOrThrow({ where: { code }, select: COMMUNITY_COLUMNS });
        return toCommunity(area, updated);
      });
    },
  };
}
