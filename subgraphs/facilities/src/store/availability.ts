import { isUuid } from '../../../../lib/kernel/ids';
import type { Page } from '../../../../lib/runtime/connections';
import { Prisma } from '../generated/prisma/client';
import type { FacilityKind } from '../generated/prisma/enums';
import type { AvailableFacilityModel, SlotAvailabilityModel } from '../models';
import { communityUnder, slotsCte, windowSlots, type StoreClient } from './client';

/** Free capacity: per slot of one facility, and listed facilities with room in a window. */

export interface AvailabilitySearch {
  kind: FacilityKind;
  near: string;
  from: Date;
  to: Date;
  minCapacity: number;
}

/** The open slots of one listed facility with what is free in each; closed days left out. */
function freeSlots(tz: string, facilityId: string, from: Date, to: Date) {
  return Prisma.sql`
        WITH candidates AS (SELECT * FROM facilities.facility WHERE id = ${facilityId}::uuid AND status = 'LISTED'),
        ${slotsCte(tz, from, to)}
        SELECT starts_at AS "startsAt", ends_at AS "endsAt", (capacity - used)::int AS free
          FROM window_slots WHERE closed_reason IS NULL
         ORDER BY starts_at`;
}

/** Listed facilities of the kind and size in the city of `near`, ranked: same community, street, district, city. */
function candidatesNear(search: AvailabilitySearch) {
  const near = search.near;
  return Prisma.sql`
        WITH candidates AS (
          SELECT f.*, CASE WHEN f.community_code = ${near} THEN 0
                           WHEN left(f.community_code, 9) = ${near.slice(0, 9)} THEN 1
                           WHEN left(f.community_code, 6) = ${near.slice(0, 6)} THEN 2
                           ELSE 3 END AS rank
            FROM facilities.facility f
           WHERE f.kind = ${search.kind}::facilities."FacilityKind" AND f.status = 'LISTED'
             AND f.capacity >= ${search.minCapacity} AND ${communityUnder(near.slice(0, 4))}
        )`;
}

/** A slot open and with room for the search. */
function roomFor(search: AvailabilitySearch) {
  return Prisma.sql`w.closed_reason IS NULL AND w.capacity - w.used >= ${search.minCapacity}`;
}

/** The candidates with a free slot: EXISTS stops at each one's first. */
function countWithRoom(tz: string, search: AvailabilitySearch) {
  return Prisma.sql`
          ${candidatesNear(search)}
          SELECT count(*)::int AS count FROM candidates c
           WHERE EXISTS (SELECT 1 FROM (${windowSlots(tz, Prisma.sql`(SELECT c.*)`, search.from, search.to)}) w WHERE ${roomFor(search)})`;
}

/** One page of candidates with room, walked in rank order one facility's slots at a time until the page is full. */
function pageWithRoom(tz: string, search: AvailabilitySearch, page: Page<(string | number)[]>) {
  const after = page.after
    ? Prisma.sql`WHERE (c.rank, c.name, c.id) > (${Number(page.after[0])}, ${String(page.after[1])}, ${String(page.after[2])}::uuid)`
    : Prisma.empty;
  return Prisma.sql`
        ${candidatesNear(search)}
        SELECT c.id::text AS id, c.rank, c.name, found.free_slots, found.first::float8[] AS first
          FROM (SELECT * FROM candidates c ${after} ORDER BY c.rank, c.name, c.id) AS c
          CROSS JOIN LATERAL (
            SELECT count(*)::int AS free_slots,
                   (array_agg(ARRAY[extract(epoch FROM w.starts_at), extract(epoch FROM w.ends_at), (w.capacity - w.used)] ORDER BY w.starts_at))[1:1] AS first
              FROM (${windowSlots(tz, Prisma.sql`(SELECT c.*)`, search.from, search.to)}) w
             WHERE ${roomFor(search)}
          ) AS found
         WHERE found.free_slots > 0
         ORDER BY c.rank, c.name, c.id LIMIT ${page.first + 1}`;
}

export function availabilityStore({ prisma, tz }: StoreClient) {
  return {
    /** Free capacity per slot of one listed facility: one statement, whatever the window. */
    async slots(facilityId: string, from: Date, to: Date): Promise<SlotAvailabilityModel[]> {
      if (!isUuid(facilityId)) return [];
      return prisma.$queryRaw<SlotAvailabilityModel[]>(freeSlots(tz, facilityId, from, to));
    },

    /**
     * Listed facilities of a kind in the city of `near` with at least `minCapacity` free in some
     * slot of the window, nearest first (same community, street, district, city), then by name.
     * One statement for the page; the count is another. Neither computes a whole city's week.
     */
    async search(search: AvailabilitySearch, page: Page<(string | number)[]>): Promise<AvailableFacilityModel[]> {
      const rows = await prisma.$queryRaw<{ id: string; rank: number; name: string; free_slots: number; first: number[][] }[]>(
        pageWithRoom(tz, search, page),
      );
      return rows.map((row) => {
        const [starts, ends, free] = row.first[0]!;
        return {
          facilityId: row.id,
          rank: row.rank,
          name: row.name,
          freeSlots: row.free_slots,
          firstFreeSlot: { startsAt: new Date(Number(starts) * 1000), endsAt: new Date(Number(ends) * 1000), free: Number(free) },
        };
      });
    },

    async countSearch(search: AvailabilitySearch): Promise<number> {
      const [row] = await prisma.$queryRaw<{ count: number }[]>(countWithRoom(tz, search));
      return row?.count ?? 0;
    },
  };
}
