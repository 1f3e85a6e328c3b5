import type { Page } from '../../../../lib/runtime/connections';
import type { HousingConfig } from '../config';
import { Prisma } from '../generated/prisma/client';
import type { PremisesComplianceModel } from '../models';
import type { StoreClient } from './client';

interface Options {
  belowOnly: boolean;
  page?: Page<(string | number)[]>;
}

interface ComplianceRow {
  code: string;
  households: number;
  owned: string;
  leased: string;
  required: string;
  shortfall: string;
  total: number;
}

/**
 * Owned (premises in use), leased (leases running today) and required area of each community,
 * the shortfall and the count of the filtered set: one statement whatever the number of communities.
 */
function complianceOf(
  communities: readonly { code: string; households: number }[],
  today: string,
  config: HousingConfig,
  options: Options,
) {
  const codes = communities.map((c) => c.code);
  const households = communities.map((c) => c.households);
  const page = options.page;
  const after = page?.after
    ? Prisma.sql`AND (s.shortfall < ${String(page.after[0])}::numeric OR (s.shortfall = ${String(page.after[0])}::numeric AND s.code > ${String(page.after[1])}))`
    : Prisma.empty;
  const below = options.belowOnly ? Prisma.sql`WHERE r.required > r.owned + r.leased` : Prisma.empty;
  const limit = page ? Prisma.sql`LIMIT ${page.first + 1}` : Prisma.empty;
  return Prisma.sql`
        WITH c AS (SELECT * FROM unnest(${codes}::text[], ${households}::int[]) AS c(code, households)),
        r AS (
          -- The text code is cast to the column's char(12), not the column to text: the community indexes stay usable.
          SELECT c.code, c.households,
                 coalesce((SELECT sum(p.accepted_area) FROM housing.premises p
                            WHERE p.community_code = c.code::bpchar AND p.state = 'IN_USE'), 0) AS owned,
                 coalesce((SELECT sum(l.area) FROM housing.lease l
                            WHERE l.community_code = c.code::bpchar AND l.starts_on <= ${today}::date AND l.ends_on >= ${today}::date), 0) AS leased,
                 greatest(${config.minPremisesM2}::numeric, c.households * ${config.m2Per100Households}::numeric / 100) AS required
            FROM c),
        s AS (
          SELECT r.*, greatest(r.required - r.owned - r.leased, 0) AS shortfall, count(*) OVER () AS total
            FROM r ${below})
        SELECT s.code, s.households, s.owned::numeric(12,2)::text AS owned, s.leased::numeric(12,2)::text AS leased,
               s.required::numeric(12,2)::text AS required, s.shortfall::numeric(12,2)::text AS shortfall, s.total::int AS total
          FROM s WHERE true ${after}
         ORDER BY s.shortfall DESC, s.code ${limit}`;
}

export function complianceStore(db: StoreClient, today: () => string, config: HousingConfig) {
  return {
    /**
     * Compliance of the given communities (households from the communities subgraph), with the
     * page after `after` of those below standard when `belowOnly`; the total counts the
     * filtered set (-1 when a page after the last is asked: unknown).
     */
    async ofCommunities(
      communities: readonly { code: string; households: number }[],
      options: Options,
    ): Promise<{ rows: PremisesComplianceModel[]; total: number }> {
      const rows = await db.$queryRaw<ComplianceRow[]>(complianceOf(communities, today(), config, options));
      return {
        rows: rows.map((row) => ({
          communityCode: row.code,
          households: row.households,
          ownedArea: row.owned,
          leasedArea: row.leased,
          requiredArea: row.required,
          shortfall: row.shortfall,
        })),
        total: rows[0]?.total ?? (options.page?.after ? -1 : 0),
      };
    },
  };
}
