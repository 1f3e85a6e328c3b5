import { significantPrefix } from '../../../../lib/kernel/auth';
import type { Page } from '../../../../lib/runtime/connections';
import { isUuid } from '../../../../lib/kernel/ids';
import { Prisma } from '../generated/prisma/client';
import type { ServiceCategory } from '../generated/graphql';
import type { CategorySupplyRow } from '../models';
import { enclosingPrefixes, type StoreClient } from './client';

const SERVICE_CATEGORIES: readonly ServiceCategory[] = [
  'ELDERLY_CARE',
  'CHILD_AND_YOUTH',
  'DISABILITY',
  'COMMUNITY_GOVERNANCE',
  'SOCIAL_WORK',
  'TRAINING_AND_EMPLOYMENT',
  'CULTURE_AND_SPORTS',
  'HEALTH',
  'LEGAL_AID',
  'POVERTY_RELIEF',
  'ENVIRONMENT',
  'VOLUNTEERING',
];

/** A grade counts from 3A up while it is valid: the supply that can take on bigger projects. */
const STRONG_GRADE = 3;

/**
 * One page of the active organisations serving each community, for all the communities at
 * once: one statement, a LIMITed lateral subquery per community.
 */
function pageServingEach(communities: readonly string[], page: Page<(string | number)[]>): Prisma.Sql {
  const after = page.after ? Prisma.sql`AND (o.name, o.id) > (${String(page.after[0])}, ${String(page.after[1])}::uuid)` : Prisma.empty;
  return Prisma.sql`
        SELECT c.code AS community, o.id::text AS id
          FROM unnest(${[...communities]}::text[]) AS c(code)
          CROSS JOIN LATERAL (
            SELECT o.id, o.name
              FROM organizations.organization o
             WHERE o.status = 'ACTIVE'
               -- From the prefix index to the organisations, not every organisation tested.
               AND o.id IN (SELECT sa.organization_id FROM organizations.service_area sa
                             WHERE sa.prefix IN (substr(c.code, 1, 2), substr(c.code, 1, 4), substr(c.code, 1, 6), substr(c.code, 1, 9), c.code))
               ${after}
             ORDER BY o.name, o.id
             LIMIT ${page.first + 1}
          ) AS o
         ORDER BY c.code, o.name, o.id`;
}

/**
 * How many active organisations serve each community: one grouped statement, driven from
 * the service-area index by the community's five enclosing prefixes, so it reads the
 * matching rows only instead of pairing every community with every organisation.
 */
function countServingEach(communities: readonly string[]): Prisma.Sql {
  return Prisma.sql`
        SELECT c.code AS community, count(DISTINCT o.id)::int AS count
          FROM unnest(${[...communities]}::text[]) AS c(code)
          LEFT JOIN organizations.service_area sa
            ON sa.prefix IN (substr(c.code, 1, 2), substr(c.code, 1, 4), substr(c.code, 1, 6), substr(c.code, 1, 9), c.code)
          LEFT JOIN organizations.organization o
            ON o.id = sa.organization_id AND o.status = 'ACTIVE'
         GROUP BY c.code`;
}

/**
 * Per service category, the active organisations with a service area overlapping `within`
 * (covering it or inside it) and how many of them hold a grade of 3A or better valid on `today`.
 * One aggregate statement.
 */
function supplyWithin(within: string, today: string): Prisma.Sql {
  return Prisma.sql`
        SELECT cat AS category,
               count(*)::int AS active,
               count(*) FILTER (WHERE o.grade >= ${STRONG_GRADE} AND o.grade_valid_until >= ${today}::date)::int AS strong
          FROM organizations.organization o
          CROSS JOIN LATERAL unnest(o.categories) AS cat
         WHERE o.status = 'ACTIVE'
           AND EXISTS (SELECT 1 FROM organizations.service_area sa
                        WHERE sa.organization_id = o.id
                          AND (sa.prefix = ANY(${enclosingPrefixes(within)}::text[]) OR sa.prefix LIKE ${`${significantPrefix(within)}%`}))
         GROUP BY cat`;
}

/** Where organisations serve, and the supply of services that follows from it. */
export function serviceAreasStore(db: StoreClient, today: () => string) {
  return {
    async ofOrganizations(ids: readonly string[]): Promise<{ organizationId: string; areaCode: string }[]> {
      return db.serviceArea.findMany({
        where: { organizationId: { in: ids.filter(isUuid) } },
        select: { organizationId: true, areaCode: true },
        orderBy: [{ organizationId: 'asc' }, { areaCode: 'asc' }],
      });
    },

    /** The ids of one page (first + 1 rows) of the active organisations serving each community. */
    async organizationIdsServing(
      communities: readonly string[],
      page: Page<(string | number)[]>,
    ): Promise<{ community: string; id: string }[]> {
      return db.$queryRaw<{ community: string; id: string }[]>(pageServingEach(communities, page));
    },

    async countServing(communities: readonly string[]): Promise<{ community: string; count: number }[]> {
      return db.$queryRaw<{ community: string; count: number }[]>(countServingEach(communities));
    },

    /** Every service category, the ones nobody serves as zeros. */
    async supplyByCategory(within: string): Promise<CategorySupplyRow[]> {
      const rows = await db.$queryRaw<{ category: ServiceCategory; active: number; strong: number }[]>(supplyWithin(within, today()));
      const byCategory = new Map(rows.map((row) => [row.category, row]));
      return SERVICE_CATEGORIES.map((category) => ({
        category,
        activeOrganizations: byCategory.get(category)?.active ?? 0,
        gradedThreeAOrBetter: byCategory.get(category)?.strong ?? 0,
      }));
    },
  };
}
