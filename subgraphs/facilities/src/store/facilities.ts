import { randomUUID } from 'node:crypto';
import type { Actor } from '../../../../lib/kernel/actor';
import { codesWithPrefix } from '../../../../lib/kernel/auth';
import { toDateColumn } from '../../../../lib/kernel/dates';
import { conflict, notFound } from '../../../../lib/kernel/errors';
import { isUuid } from '../../../../lib/kernel/ids';
import type { Page } from '../../../../lib/runtime/connections';
import { Prisma } from '../generated/prisma/client';
import type { FacilityStatus } from '../generated/prisma/enums';
import type { FacilityChanges, FacilityEventModel, FacilityFilter, FacilityModel, NewFacility, OpeningHoursEntry } from '../models';
import { cancelBookings } from './closures';
import { ACTIVE_SQL, audit, FACILITY_COLUMNS, lockFacility, toFacility, type StoreClient } from './client';
import { promoteWaiting } from './waitlist';

/** Facilities: registration, listing and withdrawal, changes checked against the bookings they would break. */

type KeyColumn = 'community_code' | 'unit_id';

/** A facility's status history, with its community so the reader's jurisdiction can be checked. */
function statusHistory(ids: string[]) {
  return Prisma.sql`
        SELECT e.entity_id::text AS "entityId", e.action, e.from_status AS "fromStatus", e.to_status AS "toStatus", e.actor,
               e.actor_roles AS "actorRoles", e.actor_org AS "actorOrg", e.reason, e.at, f.community_code AS "communityCode"
          FROM facilities.facility_event e JOIN facilities.facility f ON f.id = e.entity_id
         WHERE e.entity_type = 'Facility' AND e.entity_id = ANY(${ids}::uuid[])
         ORDER BY e.entity_id, e.id`;
}

/** The key is cast to the column's type (not the column to text), so the indexes on unit and community are used. */
function keyMatch(column: KeyColumn): Prisma.Sql {
  return column === 'unit_id' ? Prisma.sql`f.unit_id = k.key::uuid` : Prisma.sql`f.community_code = k.key::bpchar`;
}

/** One page of public facilities per key: a LIMITed lateral subquery per key, one statement for all. */
function publicPagesByKey(column: KeyColumn, keys: string[], page: Page<(string | number)[]>) {
  const after = page.after ? Prisma.sql`AND (f.name, f.id) > (${String(page.after[0])}, ${String(page.after[1])}::uuid)` : Prisma.empty;
  return Prisma.sql`
        SELECT k.key, f.*
          FROM unnest(${keys}::text[]) AS k(key)
          CROSS JOIN LATERAL (
            SELECT f.id::text AS id, f.unit_id::text AS "unitId", f.community_code AS "communityCode", f.kind::text AS kind, f.name,
                   f.address, f.capacity, f.status::text AS status, f.slot_minutes::int AS "slotMinutes", f.min_slots::int AS "minSlots",
                   f.max_slots::int AS "maxSlots", f.advance_days::int AS "advanceDays", f.weekly_quota::int AS "weeklyQuota",
                   f.approval_required AS "approvalRequired", f.cancel_hours::int AS "cancelHours", f.price_per_slot::text AS "pricePerSlot",
                   f.accessibility, f.status_reason AS "statusReason", f.version, f.updated_at AS "updatedAt"
              FROM facilities.facility f
             WHERE ${keyMatch(column)} AND f.status IN ('LISTED', 'SUSPENDED') ${after}
             ORDER BY f.name, f.id LIMIT ${page.first + 1}
          ) AS f
         ORDER BY k.key, f.name, f.id`;
}

/** The public facilities per key, zero included. */
function publicCountsByKey(column: KeyColumn, keys: string[]) {
  return Prisma.sql`
        SELECT k.key, count(f.id)::int AS count
          FROM unnest(${keys}::text[]) AS k(key)
          LEFT JOIN facilities.facility f ON ${keyMatch(column)} AND f.status IN ('LISTED', 'SUSPENDED')
         GROUP BY k.key`;
}

/** The most a facility's future active bookings hold at once: the peak is reached at some booking's start. */
function futurePeak(id: string, now: Date) {
  return Prisma.sql`
            SELECT coalesce(max(held), 0)::int AS peak FROM (
              SELECT (SELECT sum(o.quantity) FROM facilities.booking o
                       WHERE o.facility_id = b.facility_id AND o.status IN ${ACTIVE_SQL}
                         AND o.starts_at <= b.starts_at AND o.ends_at > b.starts_at) AS held
                FROM facilities.booking b
               WHERE b.facility_id = ${id}::uuid AND b.status IN ${ACTIVE_SQL} AND b.ends_at > ${now}
            ) AS starts`;
}

/**
 * The future active bookings not wholly inside the opening hours. Each is cut into pieces on the
 * finest grid it and the new hours share (the gcd of its start minute, its length and the slot
 * length): no interval boundary falls inside a piece, so each piece lies wholly inside an
 * interval or wholly outside them all.
 */
function futureOutsideHours(tz: string, id: string, slot: number, now: Date) {
  return Prisma.sql`
            SELECT count(DISTINCT b.id)::int AS outside
              FROM facilities.booking b
              CROSS JOIN LATERAL (
                SELECT gcd(gcd((extract(hour FROM b.starts_at AT TIME ZONE ${tz}) * 60 + extract(minute FROM b.starts_at AT TIME ZONE ${tz}))::int,
                               (extract(epoch FROM b.ends_at - b.starts_at) / 60)::int), ${slot}::int) AS minutes
              ) AS piece
              CROSS JOIN LATERAL generate_series(b.starts_at, b.ends_at - interval '1 microsecond', make_interval(mins => piece.minutes)) AS t(at)
             WHERE b.facility_id = ${id}::uuid AND b.status IN ${ACTIVE_SQL} AND b.ends_at > ${now}
               AND NOT EXISTS (
                 SELECT 1 FROM facilities.opening_hours oh
                  WHERE oh.facility_id = b.facility_id
                    AND oh.weekday = extract(isodow FROM t.at AT TIME ZONE ${tz})
                    AND oh.start_minute <= extract(hour FROM t.at AT TIME ZONE ${tz}) * 60 + extract(minute FROM t.at AT TIME ZONE ${tz})
                    AND oh.end_minute >= extract(hour FROM t.at AT TIME ZONE ${tz}) * 60 + extract(minute FROM t.at AT TIME ZONE ${tz}) + piece.minutes)`;
}

function facilityWhere(filter: FacilityFilter): Prisma.FacilityWhereInput {
  const where: Prisma.FacilityWhereInput = { status: { in: [...filter.statuses] } };
  if (filter.kind) where.kind = filter.kind;
  if (filter.within) where.communityCode = codesWithPrefix(filter.within);
  if (filter.unitId) where.unitId = isUuid(filter.unitId) ? filter.unitId : '00000000-0000-0000-0000-000000000000';
  return where;
}

function staleVersion(id: string, current: number) {
  return conflict(`Facility ${id} was changed by someone else (now version ${current}); reload and retry.`, {
    field: 'input.expectedVersion',
    currentVersion: current,
  });
}

export function facilitiesStore({ prisma, tz, write }: StoreClient) {
  return {
    async byId(ids: readonly string[]): Promise<FacilityModel[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return (await prisma.facility.findMany({ where: { id: { in: valid } }, select: FACILITY_COLUMNS })).map(toFacility);
    },

    async openingHours(ids: readonly string[]): Promise<OpeningHoursEntry[]> {
      return prisma.openingHours.findMany({
        where: { facilityId: { in: ids.filter(isUuid) } },
        orderBy: [{ facilityId: 'asc' }, { weekday: 'asc' }, { startMinute: 'asc' }],
      });
    },

    async history(ids: readonly string[]): Promise<FacilityEventModel[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return prisma.$queryRaw<FacilityEventModel[]>(statusHistory(valid));
    },

    async page(filter: FacilityFilter, page: Page<(string | number)[]>): Promise<FacilityModel[]> {
      const where = facilityWhere(filter);
      const after = page.after;
      const rows = await prisma.facility.findMany({
        where: after
          ? { AND: [where, { OR: [{ name: { gt: String(after[0]) } }, { name: String(after[0]), id: { gt: String(after[1]) } }] }] }
          : where,
        select: FACILITY_COLUMNS,
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
        take: page.first + 1,
      });
      return rows.map(toFacility);
    },

    count: (filter: FacilityFilter) => prisma.facility.count({ where: facilityWhere(filter) }),

    /** One page of public facilities for each of many keys (communities or units) at once: one statement. */
    async pagesBy(
      column: KeyColumn,
      keys: readonly string[],
      page: Page<(string | number)[]>,
    ): Promise<(FacilityModel & { key: string })[]> {
      const valid = column === 'unit_id' ? keys.filter(isUuid) : [...keys];
      return prisma.$queryRaw<(FacilityModel & { key: string })[]>(publicPagesByKey(column, valid, page));
    },

    async countBy(column: KeyColumn, keys: readonly string[]): Promise<{ key: string; count: number }[]> {
      const valid = column === 'unit_id' ? keys.filter(isUuid) : [...keys];
      return prisma.$queryRaw<{ key: string; count: number }[]>(publicCountsByKey(column, valid));
    },

    async register(facility: NewFacility, actor: Actor): Promise<FacilityModel> {
      const id = randomUUID();
      return write(async (tx) => {
        const { openingHours, closures, ...columns } = facility;
        await tx.facility.create({ data: { id, ...columns, status: 'SUBMITTED' } });
        await tx.openingHours.createMany({ data: openingHours.map((h) => ({ facilityId: id, ...h })) });
        if (closures.length > 0) {
          await tx.closure.createMany({
            data: closures.map((c) => ({
              facilityId: id,
              startsOn: toDateColumn(c.startsOn),
              endsOn: toDateColumn(c.endsOn),
              reason: c.reason,
            })),
          });
        }
        await audit(tx, { entityType: 'Facility', entityId: id, action: 'SUBMIT', to: 'SUBMITTED' }, actor);
        return toFacility(await tx.facility.findUniqueOrThrow({ where: { id }, select: FACILITY_COLUMNS }));
      });
    },

    /**
     * Moves a facility to `to` after `check` approves the step against the current row. A
     * withdrawal cancels future bookings in the same transaction and tells their holders why.
     */
    async changeStatus(
      id: string,
      to: FacilityStatus,
      reason: string | null,
      expectedVersion: number,
      check: (current: FacilityModel) => void,
      actor: Actor,
    ): Promise<{ facility: FacilityModel; cancelledBookings: number }> {
      return write(async (tx) => {
        const row = await tx.facility.findUnique({ where: { id }, select: FACILITY_COLUMNS });
        if (!row) throw notFound(`No facility ${id}.`);
        const before = toFacility(row);
        if (expectedVersion !== before.version) throw staleVersion(id, before.version);
        check(before);
        const { count } = await tx.facility.updateMany({
          where: { id, version: before.version },
          data: { status: to, statusReason: reason, version: { increment: 1 }, updatedAt: new Date() },
        });
        if (count !== 1) throw conflict(`Facility ${id} was changed by someone else meanwhile; reload and retry.`);
        await audit(tx, { entityType: 'Facility', entityId: id, action: 'STATUS', from: before.status, to, reason }, actor);
        const cancelledBookings =
          to === 'WITHDRAWN'
            ? await cancelBookings(tz, tx, id, `设施已撤回 The facility was withdrawn: ${reason}`, actor, { from: new Date() })
            : 0;
        return {
          facility: toFacility(await tx.facility.findUniqueOrThrow({ where: { id }, select: FACILITY_COLUMNS })),
          cancelledBookings,
        };
      });
    },

    /**
     * Applies the unit's changes in one transaction, the facility row locked FOR UPDATE so that no
     * booking runs meanwhile. Refused when a future active booking would no longer fit: more held
     * at some moment than the new capacity, or a slot of it outside the new opening hours. A
     * capacity raised promotes the waiting lists in the same transaction.
     */
    async update(id: string, expectedVersion: number, changes: FacilityChanges, actor: Actor): Promise<FacilityModel> {
      return write(async (tx) => {
        await lockFacility(tx, id, 'UPDATE');
        const before = toFacility(await tx.facility.findUniqueOrThrow({ where: { id }, select: FACILITY_COLUMNS }));
        if (expectedVersion !== before.version) throw staleVersion(id, before.version);
        if (before.status === 'WITHDRAWN')
          throw conflict(`Facility ${id} is withdrawn; it can no longer change.`, { field: 'input.id', rule: 'FACILITY_WITHDRAWN' });
        const { openingHours, ...columns } = changes;
        await tx.facility.update({ where: { id }, data: { ...columns, version: { increment: 1 }, updatedAt: new Date() } });
        if (openingHours) {
          await tx.openingHours.deleteMany({ where: { facilityId: id } });
          await tx.openingHours.createMany({ data: openingHours.map((h) => ({ facilityId: id, ...h })) });
        }
        const now = new Date();
        if (changes.capacity !== undefined && changes.capacity < before.capacity) {
          const [peakRow] = await tx.$queryRaw<{ peak: number }[]>(futurePeak(id, now));
          const peak = peakRow!.peak;
          if (peak > changes.capacity) {
            throw conflict(
              `Future bookings hold ${peak} at once; the capacity cannot go below that. Close the facility on those days first.`,
              {
                field: 'input.capacity',
                rule: 'CAPACITY_BELOW_BOOKINGS',
              },
            );
          }
        }
        if (openingHours || changes.slotMinutes !== undefined) {
          const slot = changes.slotMinutes ?? before.slotMinutes;
          const [outsideRow] = await tx.$queryRaw<{ outside: number }[]>(futureOutsideHours(tz, id, slot, now));
          const outside = outsideRow!.outside;
          if (outside > 0) {
            throw conflict(
              `${outside} future booking(s) would fall outside the new opening hours. Close the facility on those days first.`,
              {
                field: changes.openingHours ? 'input.openingHours' : 'input.policy.slotMinutes',
                rule: 'BOOKINGS_OUTSIDE_HOURS',
              },
            );
          }
        }
        await audit(
          tx,
          { entityType: 'Facility', entityId: id, action: 'UPDATE', reason: `Changed: ${Object.keys(changes).join(', ')}` },
          actor,
        );
        if (changes.capacity !== undefined && changes.capacity > before.capacity) await promoteWaiting(tz, tx, id, null, actor);
        return toFacility(await tx.facility.findUniqueOrThrow({ where: { id }, select: FACILITY_COLUMNS }));
      });
    },
  };
}
