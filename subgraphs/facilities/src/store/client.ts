import type { Actor } from '../../../../lib/kernel/actor';
import { codesWithPrefix } from '../../../../lib/kernel/auth';
import { conflict, notFound } from '../../../../lib/kernel/errors';
import { fromDecimalColumn } from '../../../../lib/kernel/money';
import { isConcurrencyConflict, remainingMs } from '../../../../lib/runtime/db';
import type { FacilitiesConfig } from '../config';
import { Prisma, type PrismaClient } from '../generated/prisma/client';
import type { BookingStatus, FacilityStatus } from '../generated/prisma/enums';
import type { BookingModel, FacilityModel } from '../models';

/** What the store's modules share: the client, its transactions, the audit trail, locks and row mappers. */

export type Transaction = Prisma.TransactionClient;

/** Bookings that hold capacity: what may never exceed it. */
export const ACTIVE_STATUSES: readonly BookingStatus[] = ['PENDING', 'CONFIRMED', 'CHECKED_IN'];
export const ACTIVE_SQL = Prisma.sql`('PENDING', 'CONFIRMED', 'CHECKED_IN')`;

export const FACILITY_COLUMNS = {
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

export function toFacility(row: FacilityRow): FacilityModel {
  return { ...row, pricePerSlot: fromDecimalColumn(row.pricePerSlot) };
}

export function toBooking(row: BookingRow): BookingModel {
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
    price: fromDecimalColumn(row.price),
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The client the modules work through: `prisma` for reads, `write` for one transaction per change. */
export function storeClient(prisma: PrismaClient, config: FacilitiesConfig) {
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

  return { prisma, config, tz: config.timeZone, write, lockWaitMs };
}

export type StoreClient = ReturnType<typeof storeClient>;

/** One entry of the audit trail: an action on a facility, a booking, a waiting-list entry or a booker's calendar secret, with the states it moved between. */
export interface AuditEntry {
  entityType: 'Facility' | 'Booking' | 'CalendarSecret' | 'WaitlistEntry';
  entityId: string;
  action: string;
  from?: string | null;
  to?: string | null;
  reason?: string | null;
}

/**
 * Writes entries of the audit trail in the caller's transaction. The trail (facility_event) keeps
 * the states moved between and the roles and organisation acted in, so it is not the common
 * audit_event shape lib/runtime/db's writeAudit writes.
 */
export async function audit(tx: Transaction, entries: AuditEntry | AuditEntry[], actor: Actor) {
  await tx.facilityEvent.createMany({
    data: (Array.isArray(entries) ? entries : [entries]).map((entry) => ({
      entityType: entry.entityType,
      entityId: entry.entityId,
      action: entry.action,
      fromStatus: entry.from ?? null,
      toStatus: entry.to ?? null,
      actor: actor.id,
      actorRoles: [...actor.roles],
      actorOrg: actor.org,
      reason: entry.reason ?? null,
      requestId: actor.requestId,
    })),
  });
}

/**
 * The facility row, locked: FOR UPDATE serialises bookings of a capacity-N facility; FOR SHARE
 * blocks only changes to the facility (status, capacity, hours), which lock it FOR UPDATE.
 */
export async function lockFacility(
  tx: Transaction,
  id: string,
  mode: 'UPDATE' | 'SHARE',
): Promise<{ status: FacilityStatus; capacity: number }> {
  const rows =
    mode === 'UPDATE'
      ? await tx.$queryRaw<
          { status: FacilityStatus; capacity: number }[]
        >`SELECT status::text AS status, capacity FROM facilities.facility WHERE id = ${id}::uuid FOR UPDATE`
      : await tx.$queryRaw<
          { status: FacilityStatus; capacity: number }[]
        >`SELECT status::text AS status, capacity FROM facilities.facility WHERE id = ${id}::uuid FOR SHARE`;
  if (!rows[0]) throw notFound(`No facility ${id}.`);
  return rows[0];
}

/**
 * The opening slots in [from, to) of the facilities `source` yields (a FROM item of facility
 * rows: a table, a CTE, or one outer row inside a LATERAL), each with the places its active
 * bookings hold: local day + minute in the city's zone, turned into instants, so slots follow
 * the city's clock whatever the server's zone. Slots on closure days are flagged. Rows stream,
 * so an EXISTS or a LIMIT over them stops at the first that qualifies.
 */
export function windowSlots(tz: string, source: Prisma.Sql, from: Date, to: Date) {
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
export function slotsCte(tz: string, from: Date, to: Date) {
  return Prisma.sql`window_slots AS (${windowSlots(tz, Prisma.sql`candidates`, from, to)})`;
}

/** Facilities in communities under an area prefix: a range the community_code index serves in any locale. */
export function communityUnder(prefix: string): Prisma.Sql {
  const { gte, lte } = codesWithPrefix(prefix);
  return Prisma.sql`f.community_code BETWEEN ${gte} AND ${lte}`;
}
