import { randomUUID } from 'node:crypto';
import { codesWithPrefix } from '../../../lib/auth';
import { fromDateColumn, toDateColumn } from '../../../lib/dates';
import { deadlinePassed, isConcurrencyConflict, remainingMs, scopedClient, type Database, type OnQuery } from '../../../lib/db';
import { conflict, notFound } from '../../../lib/errors';
import type { Page } from '../../../lib/graphql/connections';
import type { FacilitiesConfig } from './config';
import { PrismaClient, Prisma } from './generated/prisma/client';
import type { BookingStatus, FacilityKind, FacilityStatus } from './generated/prisma/enums';
import type {
  AvailableFacilityModel,
  BookingModel,
  ClosureModel,
  FacilityEventModel,
  FacilityModel,
  FacilityUsageModel,
  OpeningHoursEntry,
  SlotAvailabilityModel,
} from './models';

/** The one module of this subgraph that touches Prisma. */

type Transaction = Prisma.TransactionClient;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(id: string): boolean {
  return UUID_PATTERN.test(id);
}

/** Bookings that hold capacity: what may never exceed it. */
export const ACTIVE_STATUSES: readonly BookingStatus[] = ['PENDING', 'CONFIRMED', 'CHECKED_IN'];
const ACTIVE_SQL = Prisma.sql`('PENDING', 'CONFIRMED', 'CHECKED_IN')`;

/** Statuses anyone may see a facility in. */
export const PUBLIC_STATUSES: readonly FacilityStatus[] = ['LISTED', 'SUSPENDED'];

export interface Actor {
  id: string;
  roles: string[];
  org: string | undefined;
  requestId: string;
}

export interface NewFacility {
  unitId: string;
  communityCode: string;
  kind: FacilityKind;
  name: string;
  address: string;
  capacity: number;
  slotMinutes: number;
  minSlots: number;
  maxSlots: number;
  advanceDays: number;
  weeklyQuota: number;
  approvalRequired: boolean;
  cancelHours: number;
  pricePerSlot: string | null;
  accessibility: string | null;
  openingHours: { weekday: number; startMinute: number; endMinute: number }[];
  closures: { startsOn: string; endsOn: string; reason: string }[];
}

/** What an update changes; absent fields stay as they are. */
export type FacilityChanges = Partial<Omit<NewFacility, 'unitId' | 'communityCode' | 'kind' | 'closures'>>;

export interface FacilityFilter {
  kind?: FacilityKind;
  within?: string;
  unitId?: string;
  statuses: readonly FacilityStatus[];
}

export interface NewBooking {
  facility: FacilityModel;
  booker: string;
  bookerOrg: string | null;
  startsAt: Date;
  endsAt: Date;
  quantity: number;
  purpose: string | null;
  /** The number of slots booked, from the duration; checked against the opening slots found. */
  slots: number;
  price: string | null;
}

/** What the database found for a booking request; the rules turn it into a refusal or not. */
export interface BookingCheck {
  status: FacilityStatus;
  /** Opening slots inside the booking, and those of them on a closure day (with its reason). */
  openSlots: number;
  closedReason: string | null;
  /** The most capacity already held in any slot of the booking. */
  peakUsed: number;
  /** The booker's active bookings at this facility in the booking's local week. */
  weekBookings: number;
}

/** Inspects a booking request inside its transaction and throws the refusal, if any. */
export type BookingRule = (check: BookingCheck) => void;

const FACILITY_COLUMNS = {
  id: true,
  unitId: true,
  communityCode: true,
  kind: true,
  name: true,
  address: true,
  capacity: true,
  status: true,
  slotMinutes: true,
  minSlots: true,
  maxSlots: true,
  advanceDays: true,
  weeklyQuota: true,
  approvalRequired: true,
  cancelHours: true,
  pricePerSlot: true,
  accessibility: true,
  statusReason: true,
  version: true,
  updatedAt: true,
} as const;

type FacilityRow = Prisma.FacilityGetPayload<{ select: typeof FACILITY_COLUMNS }>;
type BookingRow = Prisma.BookingGetPayload<object>;

function toFacility(row: FacilityRow): FacilityModel {
  return { ...row, pricePerSlot: row.pricePerSlot === null ? null : row.pricePerSlot.toFixed(2) };
}

function toBooking(row: BookingRow): BookingModel {
  return {
    id: row.id,
    facilityId: row.facilityId,
    booker: row.booker,
    bookerOrg: row.bookerOrg,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    quantity: row.quantity,
    purpose: row.purpose,
    status: row.status,
    statusReason: row.statusReason,
    price: row.price === null ? null : row.price.toFixed(2),
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function createFacilitiesStore(database: Database, onQuery: OnQuery | undefined, config: FacilitiesConfig) {
  // Every transaction bounded by the request's deadline and guarded by its idempotency key (lib/db/scope.ts).
  const prisma = scopedClient(
    new PrismaClient({
      adapter: database.adapter,
      log: onQuery ? [{ emit: 'event', level: 'query' }] : [],
    }),
    'facilities',
  );
  if (onQuery) prisma.$on('query' as never, (event: Prisma.QueryEvent) => onQuery(event.query, event.params));
  const tz = config.timeZone;
  // A transaction lives at most its lock wait and a second of work.
  const transactionOptions = { maxWait: config.transactionWaitMs, timeout: config.lockTimeoutMs + 1_000 };

  /** A lock wait of at most `ms`, and never past the request's deadline (whole ms, at least 1). */
  function lockWaitMs(ms: number): number {
    return Math.max(1, Math.floor(Math.min(ms, remainingMs())));
  }

  /** One write as one transaction; racing writers and lock waits end as CONFLICT, never an internal error. */
  async function write<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    try {
      return await prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = ${lockWaitMs(config.lockTimeoutMs)}`);
        return work(tx);
      }, transactionOptions);
    } catch (error) {
      if (isConcurrencyConflict(error)) {
        throw conflict('Someone else changed this at the same moment (or the slot was just taken); reload and retry.');
      }
      throw error;
    }
  }

  async function event(
    tx: Transaction,
    entry: { entityType: 'Facility' | 'Booking'; entityId: string; action: string; from?: string | null; to?: string | null; reason?: string | null },
    actor: Actor,
  ) {
    await tx.facilityEvent.create({
      data: {
        entityType: entry.entityType,
        entityId: entry.entityId,
        action: entry.action,
        fromStatus: entry.from ?? null,
        toStatus: entry.to ?? null,
        actor: actor.id,
        actorRoles: actor.roles,
        actorOrg: actor.org ?? null,
        reason: entry.reason ?? null,
        requestId: actor.requestId,
      },
    });
  }

  /**
   * The opening slots in [from, to) of the facilities `source` yields (a FROM item of facility
   * rows: a table, a CTE, or one outer row inside a LATERAL), each with the places its active
   * bookings hold: local day + minute in the city's zone, turned into instants, so slots follow
   * the city's clock whatever the server's zone. Slots on closure days are flagged. Rows stream,
   * so an EXISTS or a LIMIT over them stops at the first that qualifies.
   */
  function windowSlots(source: Prisma.Sql, from: Date, to: Date) {
    return Prisma.sql`
      SELECT s.*,
             (SELECT coalesce(sum(b.quantity), 0)::int FROM facilities.booking b
               WHERE b.facility_id = s.facility_id AND b.status IN ${ACTIVE_SQL}
                 AND b.starts_at < s.ends_at AND b.ends_at > s.starts_at
                 AND b.starts_at > s.starts_at - make_interval(mins => s.longest)) AS used
        FROM (
          SELECT f.id AS facility_id, f.capacity, f.max_slots * f.slot_minutes AS longest,
                 ((d.day + make_interval(mins => m.minute)) AT TIME ZONE ${tz}) AS starts_at,
                 ((d.day + make_interval(mins => m.minute + f.slot_minutes)) AT TIME ZONE ${tz}) AS ends_at,
                 (SELECT c.reason FROM facilities.closure c
                   WHERE c.facility_id = f.id AND d.day BETWEEN c.starts_on AND c.ends_on
                   ORDER BY c.starts_on LIMIT 1) AS closed_reason
            FROM ${source} f
            CROSS JOIN LATERAL (
              SELECT g::date AS day
                FROM generate_series((${from}::timestamptz AT TIME ZONE ${tz})::date, (${to}::timestamptz AT TIME ZONE ${tz})::date, interval '1 day') AS g
            ) AS d
            JOIN facilities.opening_hours oh ON oh.facility_id = f.id AND oh.weekday = extract(isodow FROM d.day)
            CROSS JOIN LATERAL generate_series(oh.start_minute::int, (oh.end_minute - f.slot_minutes)::int, f.slot_minutes::int) AS m(minute)
        ) AS s
       WHERE s.starts_at >= ${from}::timestamptz AND s.ends_at <= ${to}::timestamptz`;
  }

  /** `window_slots`: the slots of the facilities in a `candidates` CTE (see windowSlots). */
  function slotsCte(from: Date, to: Date) {
    return Prisma.sql`window_slots AS (${windowSlots(Prisma.sql`candidates`, from, to)})`;
  }

  /** Facilities in communities under an area prefix: a range the community_code index serves in any locale. */
  function communityUnder(prefix: string): Prisma.Sql {
    const { gte, lte } = codesWithPrefix(prefix);
    return Prisma.sql`f.community_code BETWEEN ${gte} AND ${lte}`;
  }

  function facilityWhere(filter: FacilityFilter): Prisma.FacilityWhereInput {
    const where: Prisma.FacilityWhereInput = { status: { in: [...filter.statuses] } };
    if (filter.kind) where.kind = filter.kind;
    if (filter.within) where.communityCode = codesWithPrefix(filter.within);
    if (filter.unitId) where.unitId = isUuid(filter.unitId) ? filter.unitId : '00000000-0000-0000-0000-000000000000';
    return where;
  }

  /**
   * The facility row, locked: FOR UPDATE serialises bookings of a capacity-N facility; FOR SHARE
   * blocks only changes to the facility (status, capacity, hours), which lock it FOR UPDATE.
   */
  async function lockFacility(tx: Transaction, id: string, mode: 'UPDATE' | 'SHARE'): Promise<{ status: FacilityStatus; capacity: number }> {
    const rows =
      mode === 'UPDATE'
        ? await tx.$queryRaw<{ status: FacilityStatus; capacity: number }[]>`SELECT status::text AS status, capacity FROM facilities.facility WHERE id = ${id}::uuid FOR UPDATE`
        : await tx.$queryRaw<{ status: FacilityStatus; capacity: number }[]>`SELECT status::text AS status, capacity FROM facilities.facility WHERE id = ${id}::uuid FOR SHARE`;
    if (!rows[0]) throw notFound(`No facility ${id}.`);
    return rows[0];
  }

  /**
   * The facility row locked as `lockFacility` does, tried in waits of FACILITIES_BOOKING_LOCK_TRY_MS (each
   * inside a savepoint, so a lock timeout does not end the transaction) with `check` run before
   * each try: a request that cannot succeed is refused by its rule at once instead of waiting its
   * turn. Past the facilities lock timeout the lock timeout stands (CONFLICT); past the request's
   * deadline, when that comes first, the request has run out of time (SERVICE_UNAVAILABLE).
   */
  async function lockInTurns(tx: Transaction, id: string, mode: 'UPDATE' | 'SHARE', check: () => Promise<void>) {
    const deadlineFirst = remainingMs() < config.lockTimeoutMs;
    const giveUp = Date.now() + lockWaitMs(config.lockTimeoutMs);
    for (;;) {
      await check();
      await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = ${Math.max(1, Math.min(config.bookingLockTryMs, giveUp - Date.now()))}`);
      await tx.$executeRawUnsafe('SAVEPOINT facility_lock');
      try {
        const locked = await lockFacility(tx, id, mode);
        await tx.$executeRawUnsafe('RELEASE SAVEPOINT facility_lock');
        // The statements after the lock (the exclusion check waits for a racing insert) get what is left.
        await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = ${Math.max(1, giveUp - Date.now())}`);
        return locked;
      } catch (error) {
        if (!isConcurrencyConflict(error)) throw error;
        if (Date.now() >= giveUp) throw deadlineFirst ? deadlinePassed() : error;
        await tx.$executeRawUnsafe('ROLLBACK TO SAVEPOINT facility_lock');
      }
    }
  }

  async function changeBooking(
    id: string,
    expectedVersion: number | undefined,
    decide: (booking: BookingModel, facility: FacilityModel) => { status: BookingStatus; reason: string | null; action: string },
    actor: Actor,
  ): Promise<BookingModel> {
    return write(async (tx) => {
      const row = await tx.booking.findUnique({ where: { id } });
      if (!row) throw notFound(`No booking ${id}.`);
      const before = toBooking(row);
      if (expectedVersion !== undefined && expectedVersion !== before.version) {
        throw conflict(`Booking ${id} was changed by someone else (now version ${before.version}); reload and retry.`, {
          field: 'input.expectedVersion',
          currentVersion: before.version,
        });
      }
      const facility = toFacility(await tx.facility.findUniqueOrThrow({ where: { id: before.facilityId }, select: FACILITY_COLUMNS }));
      const next = decide(before, facility);
      const { count } = await tx.booking.updateMany({
        where: { id, version: before.version },
        data: { status: next.status, statusReason: next.reason, version: { increment: 1 }, updatedAt: new Date() },
      });
      if (count !== 1) throw conflict(`Booking ${id} was changed by someone else meanwhile; reload and retry.`);
      await event(tx, { entityType: 'Booking', entityId: id, action: next.action, from: before.status, to: next.status, reason: next.reason }, actor);
      return toBooking(await tx.booking.findUniqueOrThrow({ where: { id } }));
    });
  }

  /** Cancels the facility's active bookings starting at or after `from` (and on the closed days, if given), telling holders why. */
  async function cancelBookings(tx: Transaction, facilityId: string, reason: string, actor: Actor, range: { from: Date; days?: { startsOn: string; endsOn: string } }) {
    const days = range.days;
    const cancelled = await tx.$queryRaw<{ id: string; status: string }[]>`
      WITH hit AS (
        SELECT id, status FROM facilities.booking
         WHERE facility_id = ${facilityId}::uuid AND status IN ('PENDING', 'CONFIRMED') AND ends_at > ${range.from}
           ${days ? Prisma.sql`AND (starts_at AT TIME ZONE ${tz})::date <= ${days.endsOn}::date AND ((ends_at - interval '1 microsecond') AT TIME ZONE ${tz})::date >= ${days.startsOn}::date` : Prisma.empty}
         FOR UPDATE
      )
      UPDATE facilities.booking b SET status = 'CANCELLED', status_reason = ${reason}, version = b.version + 1, updated_at = now()
        FROM hit WHERE b.id = hit.id
      RETURNING b.id::text AS id, hit.status::text AS status`;
    if (cancelled.length > 0) {
      await tx.facilityEvent.createMany({
        data: cancelled.map((b) => ({
          entityType: 'Booking',
          entityId: b.id,
          action: 'CANCEL',
          fromStatus: b.status,
          toStatus: 'CANCELLED',
          actor: actor.id,
          actorRoles: actor.roles,
          actorOrg: actor.org ?? null,
          reason,
          requestId: actor.requestId,
        })),
      });
    }
    return cancelled.length;
  }

  return {
    timeZone: tz,

    async facilitiesById(ids: readonly string[]): Promise<FacilityModel[]> {
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

    /** Closures ending on or after `today` (local), soonest first. */
    async closures(ids: readonly string[], today: string): Promise<ClosureModel[]> {
      const rows = await prisma.closure.findMany({
        where: { facilityId: { in: ids.filter(isUuid) }, endsOn: { gte: toDateColumn(today) } },
        orderBy: [{ facilityId: 'asc' }, { startsOn: 'asc' }, { id: 'asc' }],
      });
      return rows.map((c) => ({ facilityId: c.facilityId, startsOn: fromDateColumn(c.startsOn), endsOn: fromDateColumn(c.endsOn), reason: c.reason }));
    },

    async facilityEvents(ids: readonly string[]): Promise<FacilityEventModel[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return prisma.$queryRaw<FacilityEventModel[]>`
        SELECT e.entity_id::text AS "entityId", e.action, e.from_status AS "fromStatus", e.to_status AS "toStatus", e.actor,
               e.actor_roles AS "actorRoles", e.actor_org AS "actorOrg", e.reason, e.at, f.community_code AS "communityCode"
          FROM facilities.facility_event e JOIN facilities.facility f ON f.id = e.entity_id
         WHERE e.entity_type = 'Facility' AND e.entity_id = ANY(${valid}::uuid[])
         ORDER BY e.entity_id, e.id`;
    },

    async facilityPage(filter: FacilityFilter, page: Page<(string | number)[]>): Promise<FacilityModel[]> {
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

    countFacilities: (filter: FacilityFilter) => prisma.facility.count({ where: facilityWhere(filter) }),

    /**
     * One page of public facilities for each of many keys (communities or units) at once: one
     * statement, a LIMITed lateral subquery per key.
     */
    async facilityPagesBy(column: 'community_code' | 'unit_id', keys: readonly string[], page: Page<(string | number)[]>): Promise<(FacilityModel & { key: string })[]> {
      const valid = column === 'unit_id' ? keys.filter(isUuid) : [...keys];
      const after = page.after ? Prisma.sql`AND (f.name, f.id) > (${String(page.after[0])}, ${String(page.after[1])}::uuid)` : Prisma.empty;
      // The key is cast to the column's type (not the column to text), so the indexes on unit and community are used.
      const match = column === 'unit_id' ? Prisma.sql`f.unit_id = k.key::uuid` : Prisma.sql`f.community_code = k.key::bpchar`;
      return prisma.$queryRaw<(FacilityModel & { key: string })[]>`
        SELECT k.key, f.*
          FROM unnest(${valid}::text[]) AS k(key)
          CROSS JOIN LATERAL (
            SELECT f.id::text AS id, f.unit_id::text AS "unitId", f.community_code AS "communityCode", f.kind::text AS kind, f.name,
                   f.address, f.capacity, f.status::text AS status, f.slot_minutes::int AS "slotMinutes", f.min_slots::int AS "minSlots",
                   f.max_slots::int AS "maxSlots", f.advance_days::int AS "advanceDays", f.weekly_quota::int AS "weeklyQuota",
                   f.approval_required AS "approvalRequired", f.cancel_hours::int AS "cancelHours", f.price_per_slot::text AS "pricePerSlot",
                   f.accessibility, f.status_reason AS "statusReason", f.version, f.updated_at AS "updatedAt"
              FROM facilities.facility f
             WHERE ${match} AND f.status IN ('LISTED', 'SUSPENDED') ${after}
             ORDER BY f.name, f.id LIMIT ${page.first + 1}
          ) AS f
         ORDER BY k.key, f.name, f.id`;
    },

    async countFacilitiesBy(column: 'community_code' | 'unit_id', keys: readonly string[]): Promise<{ key: string; count: number }[]> {
      const valid = column === 'unit_id' ? keys.filter(isUuid) : [...keys];
      const match = column === 'unit_id' ? Prisma.sql`f.unit_id = k.key::uuid` : Prisma.sql`f.community_code = k.key::bpchar`;
      return prisma.$queryRaw<{ key: string; count: number }[]>`
        SELECT k.key, count(f.id)::int AS count
          FROM unnest(${valid}::text[]) AS k(key)
          LEFT JOIN facilities.facility f ON ${match} AND f.status IN ('LISTED', 'SUSPENDED')
         GROUP BY k.key`;
    },

    async bookingsById(ids: readonly string[]): Promise<BookingModel[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return (await prisma.booking.findMany({ where: { id: { in: valid } } })).map(toBooking);
    },

    /** Bookings newest start first, by booker or by facility (optionally overlapping [from, to)). */
    async bookingPage(
      filter: { booker?: string; facilityId?: string; from?: Date; to?: Date },
      page: Page<(string | number)[]>,
    ): Promise<{ rows: BookingModel[]; count: () => Promise<number> }> {
      const where: Prisma.BookingWhereInput = {};
      if (filter.booker !== undefined) where.booker = filter.booker;
      if (filter.facilityId !== undefined) where.facilityId = filter.facilityId;
      if (filter.from) where.endsAt = { gt: filter.from };
      if (filter.to) where.startsAt = { lt: filter.to };
      const after = page.after;
      const rows = await prisma.booking.findMany({
        where: after
          ? {
              AND: [
                where,
                { OR: [{ startsAt: { lt: new Date(String(after[0])) } }, { startsAt: new Date(String(after[0])), id: { lt: String(after[1]) } }] },
              ],
            }
          : where,
        orderBy: [{ startsAt: 'desc' }, { id: 'desc' }],
        take: page.first + 1,
      });
      return { rows: rows.map(toBooking), count: () => prisma.booking.count({ where }) };
    },

    /** Free capacity per slot of one listed facility: one statement, whatever the window. */
    async availability(facilityId: string, from: Date, to: Date): Promise<SlotAvailabilityModel[]> {
      if (!isUuid(facilityId)) return [];
      return prisma.$queryRaw<SlotAvailabilityModel[]>`
        WITH candidates AS (SELECT * FROM facilities.facility WHERE id = ${facilityId}::uuid AND status = 'LISTED'),
        ${slotsCte(from, to)}
        SELECT starts_at AS "startsAt", ends_at AS "endsAt", (capacity - used)::int AS free
          FROM window_slots WHERE closed_reason IS NULL
         ORDER BY starts_at`;
    },

    /**
     * Listed facilities of a kind in the city of `near` with at least `minCapacity` free in some
     * slot of the window, nearest first (same community, street, district, city), then by name.
     * One statement for the page; the count is another. The page walks the candidates in that
     * order and works out one facility's slots at a time until the page is full, and the count
     * stops at each facility's first free slot, so neither computes a whole city's week.
     */
    async findAvailable(
      search: { kind: FacilityKind; near: string; from: Date; to: Date; minCapacity: number },
      page: Page<(string | number)[]> | 'count',
    ): Promise<AvailableFacilityModel[] | number> {
      const near = search.near;
      const candidates = Prisma.sql`
        WITH candidates AS (
          SELECT f.*, CASE WHEN f.community_code = ${near} THEN 0
                           WHEN left(f.community_code, 9) = ${near.slice(0, 9)} THEN 1
                           WHEN left(f.community_code, 6) = ${near.slice(0, 6)} THEN 2
                           ELSE 3 END AS rank
            FROM facilities.facility f
           WHERE f.kind = ${search.kind}::facilities."FacilityKind" AND f.status = 'LISTED'
             AND f.capacity >= ${search.minCapacity} AND ${communityUnder(near.slice(0, 4))}
        )`;
      const free = Prisma.sql`w.closed_reason IS NULL AND w.capacity - w.used >= ${search.minCapacity}`;
      const slotsOfCandidate = windowSlots(Prisma.sql`(SELECT c.*)`, search.from, search.to);
      if (page === 'count') {
        const [row] = await prisma.$queryRaw<{ count: number }[]>`
          ${candidates}
          SELECT count(*)::int AS count FROM candidates c
           WHERE EXISTS (SELECT 1 FROM (${slotsOfCandidate}) w WHERE ${free})`;
        return row?.count ?? 0;
      }
      const after = page.after
        ? Prisma.sql`WHERE (c.rank, c.name, c.id) > (${Number(page.after[0])}, ${String(page.after[1])}, ${String(page.after[2])}::uuid)`
        : Prisma.empty;
      const rows = await prisma.$queryRaw<{ id: string; rank: number; name: string; free_slots: number; first: number[][] }[]>`
        ${candidates}
        SELECT c.id::text AS id, c.rank, c.name, found.free_slots, found.first::float8[] AS first
          FROM (SELECT * FROM candidates c ${after} ORDER BY c.rank, c.name, c.id) AS c
          CROSS JOIN LATERAL (
            SELECT count(*)::int AS free_slots,
                   (array_agg(ARRAY[extract(epoch FROM w.starts_at), extract(epoch FROM w.ends_at), (w.capacity - w.used)] ORDER BY w.starts_at))[1:1] AS first
              FROM (${slotsOfCandidate}) w
             WHERE ${free}
          ) AS found
         WHERE found.free_slots > 0
         ORDER BY c.rank, c.name, c.id LIMIT ${page.first + 1}`;
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

    /**
     * Usage over local dates [fromDay, toDay] of the facilities chosen: one statement. A slot of
     * today's weekly hours counts as open when it began while the facility was LISTED by its
     * status history (its events' `to` states, each holding until the next), so days before a
     * suspension count whatever the status is today. Bookings count for every facility chosen.
     */
    async usage(scope: { facilityId?: string; unitId?: string; within?: string }, fromDay: string, toDay: string): Promise<FacilityUsageModel> {
      const condition = scope.facilityId
        ? Prisma.sql`f.id = ${scope.facilityId}::uuid`
        : scope.unitId
          ? Prisma.sql`f.unit_id = ${scope.unitId}::uuid`
          : communityUnder(String(scope.within));
      const [from, to] = [fromDay, toDay];
      const [row] = await prisma.$queryRaw<
        { facilities: number; minutes_open: number; minutes_booked: number; bookings: number; people: number; no_show: number; attended: number }[]
      >`
        WITH bounds AS (
          SELECT (${from}::date::timestamp AT TIME ZONE ${tz}) AS t0, ((${to}::date + 1)::timestamp AT TIME ZONE ${tz}) AS t1
        ),
        scope AS (SELECT f.id, f.slot_minutes FROM facilities.facility f WHERE ${condition}),
        history AS (
          SELECT e.entity_id AS id, e.to_status, e.at AS since,
                 coalesce(lead(e.at) OVER (PARTITION BY e.entity_id ORDER BY e.at, e.id), 'infinity') AS until
            FROM facilities.facility_event e JOIN scope f ON f.id = e.entity_id
           WHERE e.entity_type = 'Facility' AND e.to_status IS NOT NULL
        ),
        listed AS (
          SELECT h.id, h.since, h.until FROM history h, bounds WHERE h.to_status = 'LISTED' AND h.since < bounds.t1 AND h.until > bounds.t0
        ),
        slots AS (
          SELECT f.id, f.slot_minutes
            FROM listed l
            JOIN scope f ON f.id = l.id
            CROSS JOIN LATERAL (
              SELECT g::date AS day
                FROM generate_series(greatest(${from}::date, (l.since AT TIME ZONE ${tz})::date), least(${to}::date, (l.until AT TIME ZONE ${tz})::date), interval '1 day') AS g
            ) AS d
            JOIN facilities.opening_hours oh ON oh.facility_id = f.id AND oh.weekday = extract(isodow FROM d.day)
            CROSS JOIN LATERAL generate_series(oh.start_minute::int, (oh.end_minute - f.slot_minutes)::int, f.slot_minutes::int) AS m(minute)
           WHERE NOT EXISTS (SELECT 1 FROM facilities.closure c WHERE c.facility_id = f.id AND d.day BETWEEN c.starts_on AND c.ends_on)
             AND ((d.day + m.minute * interval '1 minute') AT TIME ZONE ${tz}) >= l.since
             AND ((d.day + m.minute * interval '1 minute') AT TIME ZONE ${tz}) < l.until
        ),
        held AS (
          SELECT b.* FROM facilities.booking b JOIN scope f ON f.id = b.facility_id, bounds
           WHERE b.starts_at >= bounds.t0 AND b.starts_at < bounds.t1
        )
        SELECT (SELECT count(*) FROM scope f
                 WHERE EXISTS (SELECT 1 FROM listed l WHERE l.id = f.id) OR EXISTS (SELECT 1 FROM held h WHERE h.facility_id = f.id))::int AS facilities,
               (SELECT coalesce(sum(slot_minutes), 0) FROM slots)::int AS minutes_open,
               (SELECT coalesce(sum(extract(epoch FROM least(ends_at, bounds.t1) - starts_at)) / 60, 0) FROM held, bounds
                 WHERE status IN ('CONFIRMED', 'CHECKED_IN', 'NO_SHOW'))::int AS minutes_booked,
               (SELECT count(*) FROM held WHERE status NOT IN ('DECLINED', 'CANCELLED'))::int AS bookings,
               (SELECT count(DISTINCT booker) FROM held WHERE status IN ('CONFIRMED', 'CHECKED_IN'))::int AS people,
               (SELECT count(*) FROM held WHERE status = 'NO_SHOW')::int AS no_show,
               (SELECT count(*) FROM held WHERE status = 'CHECKED_IN')::int AS attended`;
      const r = row!;
      const recorded = r.no_show + r.attended;
      return {
        facilities: r.facilities,
        hoursOpen: r.minutes_open / 60,
        hoursBooked: r.minutes_booked / 60,
        bookings: r.bookings,
        peopleServed: r.people,
        noShowRate: recorded === 0 ? null : r.no_show / recorded,
      };
    },

    async registerFacility(facility: NewFacility, actor: Actor): Promise<FacilityModel> {
      const id = randomUUID();
      return write(async (tx) => {
        const { openingHours, closures, ...columns } = facility;
        await tx.facility.create({ data: { id, ...columns, status: 'SUBMITTED' } });
        await tx.openingHours.createMany({ data: openingHours.map((h) => ({ facilityId: id, ...h })) });
        if (closures.length > 0) {
          await tx.closure.createMany({
            data: closures.map((c) => ({ facilityId: id, startsOn: toDateColumn(c.startsOn), endsOn: toDateColumn(c.endsOn), reason: c.reason })),
          });
        }
        await event(tx, { entityType: 'Facility', entityId: id, action: 'SUBMIT', to: 'SUBMITTED' }, actor);
        return toFacility(await tx.facility.findUniqueOrThrow({ where: { id }, select: FACILITY_COLUMNS }));
      });
    },

    /**
     * Moves a facility to `to` after `check` approves the step against the current row. A
     * withdrawal cancels future bookings in the same transaction and tells their holders why.
     */
    async changeFacilityStatus(
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
        if (expectedVersion !== before.version) {
          throw conflict(`Facility ${id} was changed by someone else (now version ${before.version}); reload and retry.`, {
            field: 'input.expectedVersion',
            currentVersion: before.version,
          });
        }
        check(before);
        const { count } = await tx.facility.updateMany({
          where: { id, version: before.version },
          data: { status: to, statusReason: reason, version: { increment: 1 }, updatedAt: new Date() },
        });
        if (count !== 1) throw conflict(`Facility ${id} was changed by someone else meanwhile; reload and retry.`);
        await event(tx, { entityType: 'Facility', entityId: id, action: 'STATUS', from: before.status, to, reason }, actor);
        const cancelledBookings =
          to === 'WITHDRAWN' ? await cancelBookings(tx, id, `设施已撤回 The facility was withdrawn: ${reason}`, actor, { from: new Date() }) : 0;
        return { facility: toFacility(await tx.facility.findUniqueOrThrow({ where: { id }, select: FACILITY_COLUMNS })), cancelledBookings };
      });
    },

    /**
     * Applies the unit's changes in one transaction, the facility row locked FOR UPDATE so that no
     * booking runs meanwhile. Refused when a future active booking would no longer fit: more held
     * at some moment than the new capacity, or a slot of it outside the new opening hours.
     */
    async updateFacility(id: string, expectedVersion: number, changes: FacilityChanges, actor: Actor): Promise<FacilityModel> {
      return write(async (tx) => {
        await lockFacility(tx, id, 'UPDATE');
        const before = toFacility(await tx.facility.findUniqueOrThrow({ where: { id }, select: FACILITY_COLUMNS }));
        if (expectedVersion !== before.version) {
          throw conflict(`Facility ${id} was changed by someone else (now version ${before.version}); reload and retry.`, {
            field: 'input.expectedVersion',
            currentVersion: before.version,
          });
        }
        if (before.status === 'WITHDRAWN') throw conflict(`Facility ${id} is withdrawn; it can no longer change.`, { field: 'input.id', rule: 'FACILITY_WITHDRAWN' });
        const { openingHours, ...columns } = changes;
        await tx.facility.update({ where: { id }, data: { ...columns, version: { increment: 1 }, updatedAt: new Date() } });
        if (openingHours) {
          await tx.openingHours.deleteMany({ where: { facilityId: id } });
          await tx.openingHours.createMany({ data: openingHours.map((h) => ({ facilityId: id, ...h })) });
        }
        const now = new Date();
        if (changes.capacity !== undefined && changes.capacity < before.capacity) {
          // The peak is reached at some booking's start: sum what overlaps each future start.
          const [peakRow] = await tx.$queryRaw<{ peak: number }[]>`
            SELECT coalesce(max(held), 0)::int AS peak FROM (
              SELECT (SELECT sum(o.quantity) FROM facilities.booking o
                       WHERE o.facility_id = b.facility_id AND o.status IN ${ACTIVE_SQL}
                         AND o.starts_at <= b.starts_at AND o.ends_at > b.starts_at) AS held
                FROM facilities.booking b
               WHERE b.facility_id = ${id}::uuid AND b.status IN ${ACTIVE_SQL} AND b.ends_at > ${now}
            ) AS starts`;
          const peak = peakRow!.peak;
          if (peak > changes.capacity) {
            throw conflict(`Future bookings hold ${peak} at once; the capacity cannot go below that. Close the facility on those days first.`, {
              field: 'input.capacity',
              rule: 'CAPACITY_BELOW_BOOKINGS',
            });
          }
        }
        if (openingHours || changes.slotMinutes !== undefined) {
          // Every future active booking, cut into pieces on the finest grid it and the new hours share
          // (the gcd of its start minute, its length and the slot length): no interval boundary falls
          // inside a piece, so each piece lies wholly inside an interval or wholly outside them all.
          const slot = changes.slotMinutes ?? before.slotMinutes;
          const [outsideRow] = await tx.$queryRaw<{ outside: number }[]>`
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
          const outside = outsideRow!.outside;
          if (outside > 0) {
            throw conflict(`${outside} future booking(s) would fall outside the new opening hours. Close the facility on those days first.`, {
              field: changes.openingHours ? 'input.openingHours' : 'input.policy.slotMinutes',
              rule: 'BOOKINGS_OUTSIDE_HOURS',
            });
          }
        }
        await event(tx, { entityType: 'Facility', entityId: id, action: 'UPDATE', reason: `Changed: ${Object.keys(changes).join(', ')}` }, actor);
        return toFacility(await tx.facility.findUniqueOrThrow({ where: { id }, select: FACILITY_COLUMNS }));
      });
    },

    async addClosure(
      facility: FacilityModel,
      closure: { startsOn: string; endsOn: string; reason: string },
      actor: Actor,
    ): Promise<{ facility: FacilityModel; cancelledBookings: number }> {
      return write(async (tx) => {
        const { count } = await tx.facility.updateMany({
          where: { id: facility.id, version: facility.version },
          data: { version: { increment: 1 }, updatedAt: new Date() },
        });
        if (count !== 1) throw conflict(`Facility ${facility.id} was changed by someone else meanwhile; reload and retry.`);
        await tx.closure.create({
          data: { facilityId: facility.id, startsOn: toDateColumn(closure.startsOn), endsOn: toDateColumn(closure.endsOn), reason: closure.reason },
        });
        await event(tx, { entityType: 'Facility', entityId: facility.id, action: 'CLOSE', reason: `${closure.startsOn}..${closure.endsOn}: ${closure.reason}` }, actor);
        const cancelledBookings = await cancelBookings(tx, facility.id, `闭馆 Closed: ${closure.reason}`, actor, { from: new Date(), days: closure });
        return { facility: toFacility(await tx.facility.findUniqueOrThrow({ where: { id: facility.id }, select: FACILITY_COLUMNS })), cancelledBookings };
      });
    },

    /**
     * Books inside one transaction. Capacity 1: the facility row is read FOR SHARE and the
     * exclusion constraint refuses an overlap (23P01 → CONFLICT). Capacity N: the row is locked
     * FOR UPDATE, so bookings of the facility take turns, then the peak use of the booking's
     * slots is counted in SQL before inserting. The booker's weekly quota is serialised by an
     * advisory lock on (facility, booker).
     *
     * A burst on one slot must not queue behind that lock only to learn the slot is full: the
     * rules are first checked on what is committed (no lock), and the lock is tried in short
     * waits (FACILITIES_BOOKING_LOCK_TRY_MS), the free capacity read again between tries, so once the
     * winners commit every loser is refused with the capacity rule within a try. The check
     * under the lock stays the one that decides: capacity is exact.
     */
    async book(request: NewBooking, rule: BookingRule, actor: Actor): Promise<BookingModel> {
      const id = randomUUID();
      const { facility } = request;
      return write(async (tx) => {
        const inspect = async (status: FacilityStatus) => {
          const [found] = await tx.$queryRaw<{ open_slots: number; closed_reason: string | null; peak: number; week: number }[]>`
            WITH candidates AS (SELECT * FROM facilities.facility WHERE id = ${facility.id}::uuid),
            ${slotsCte(request.startsAt, request.endsAt)}
            SELECT (SELECT count(*) FROM window_slots)::int AS open_slots,
                   (SELECT min(closed_reason) FROM window_slots) AS closed_reason,
                   (SELECT coalesce(max(used), 0) FROM window_slots)::int AS peak,
                   (SELECT count(*) FROM facilities.booking b
                     WHERE b.facility_id = ${facility.id}::uuid AND b.booker = ${request.booker} AND b.status IN ${ACTIVE_SQL}
                       AND date_trunc('week', b.starts_at AT TIME ZONE ${tz}) = date_trunc('week', ${request.startsAt}::timestamptz AT TIME ZONE ${tz}))::int AS week`;
          rule({ status, openSlots: found!.open_slots, closedReason: found!.closed_reason, peakUsed: found!.peak, weekBookings: found!.week });
        };
        const { status, capacity } = await lockInTurns(tx, facility.id, facility.capacity === 1 ? 'SHARE' : 'UPDATE', () => inspect(facility.status));
        // The lock mode, the exclusive flag and the capacity rule all follow the capacity read before
        // the transaction: if the unit changed it meanwhile, none of them may be trusted.
        if (capacity !== facility.capacity) {
          throw conflict(`Facility ${facility.id}'s capacity changed to ${capacity} meanwhile; reload and retry.`, { field: 'input.facilityId', rule: 'CAPACITY' });
        }
        await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`${facility.id}/${request.booker}`}, 0))::text`;
        await inspect(status);
        const row = await tx.booking.create({
          data: {
            id,
            facilityId: facility.id,
            booker: request.booker,
            bookerOrg: request.bookerOrg,
            startsAt: request.startsAt,
            endsAt: request.endsAt,
            quantity: request.quantity,
            exclusive: facility.capacity === 1,
            purpose: request.purpose,
            status: facility.approvalRequired ? 'PENDING' : 'CONFIRMED',
            price: request.price,
          },
        });
        await event(tx, { entityType: 'Booking', entityId: id, action: 'BOOK', to: row.status }, actor);
        return toBooking(row);
      });
    },

    changeBooking,

    /** Bookings for a calendar feed: a facility's active ones, or a booker's (all statuses, so cancellations reach the calendar). */
    async calendarBookings(filter: { facilityId: string } | { booker: string }, since: Date): Promise<(BookingModel & { facilityName: string; facilityAddress: string })[]> {
      const where: Prisma.BookingWhereInput =
        'facilityId' in filter
          ? { facilityId: filter.facilityId, status: { in: [...ACTIVE_STATUSES] }, endsAt: { gt: since } }
          : { booker: filter.booker, endsAt: { gt: since } };
      const rows = await prisma.booking.findMany({
        where,
        include: { facility: { select: { name: true, address: true } } },
        orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
        take: 5000,
      });
      return rows.map((row) => ({ ...toBooking(row), facilityName: row.facility.name, facilityAddress: row.facility.address }));
    },

    async rotateCalendarSecret(subject: string, secretHash: string, reason: string | null, actor: Actor): Promise<void> {
      await write(async (tx) => {
        await tx.calendarSecret.upsert({ where: { subject }, create: { subject, secretHash }, update: { secretHash, createdAt: new Date() } });
        await tx.facilityEvent.create({
          data: {
            entityType: 'CalendarSecret',
            entityId: '00000000-0000-0000-0000-000000000000',
            action: 'ROTATE',
            actor: actor.id,
            actorRoles: actor.roles,
            actorOrg: actor.org ?? null,
            reason,
            requestId: actor.requestId,
          },
        });
      });
    },

    async calendarSubject(secretHash: string): Promise<string | null> {
      return (await prisma.calendarSecret.findUnique({ where: { secretHash } }))?.subject ?? null;
    },

    close: () => prisma.$disconnect(),
  };
}

export type FacilitiesStore = ReturnType<typeof createFacilitiesStore>;
