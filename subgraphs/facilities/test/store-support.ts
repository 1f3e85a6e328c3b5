import { randomUUID } from 'node:crypto';
import type { Actor } from '../../../lib/kernel/actor';
import type { Database } from '../../../lib/runtime/db';
import { createTestDatabase, dropTestDatabase } from '../../../test/support/database';
import { testConfig } from '../../../test/support/graph';
import { loadFacilitiesConfig } from '../src/config';
import type { FacilityModel, NewFacility } from '../src/models';
import { createFacilitiesStore, type FacilitiesStore } from '../src/store';

/** The facilities store alone on a fresh database: its modules tested at the edges the demo data never reaches. */

export { at } from './support';

export const JIFU = '510107001001';

export const ACTOR: Actor = { id: 'unit-admin', roles: ['UNIT_ADMIN'], org: null, area: JIFU, requestId: 'store-test' };

export interface StoreHarness {
  store: FacilitiesStore;
  database: Database;
  close(): Promise<void>;
}

export async function openStore(): Promise<StoreHarness> {
  const database = await createTestDatabase();
  const store = createFacilitiesStore(database, undefined, loadFacilitiesConfig(testConfig()));
  return {
    store,
    database,
    async close() {
      await store.close();
      await dropTestDatabase(database);
    },
  };
}

const ALL_DAY = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440 }));

export function newFacility(overrides: Partial<NewFacility> = {}): NewFacility {
  return {
    unitId: randomUUID(),
    communityCode: JIFU,
    kind: 'PARKING',
    name: `车位 ${randomUUID().slice(0, 8)}`,
    address: '晋阳路 1 号',
    capacity: 4,
    slotMinutes: 60,
    minSlots: 1,
    maxSlots: 4,
    advanceDays: 200,
    weeklyQuota: 3,
    approvalRequired: false,
    cancelHours: 2,
    pricePerSlot: null,
    accessibility: null,
    openingHours: ALL_DAY,
    closures: [],
    ...overrides,
  };
}

/** Registers and lists a facility; the version is the listed one's. */
export async function listedFacility(store: FacilitiesStore, overrides: Partial<NewFacility> = {}): Promise<FacilityModel> {
  const registered = await store.facilities.register(newFacility(overrides), ACTOR);
  return (await store.facilities.changeStatus(registered.id, 'LISTED', null, registered.version, () => undefined, ACTOR)).facility;
}

/** A booking written straight into the table, in any status and at any time (past ones included). */
export async function insertBooking(
  database: Database,
  facilityId: string,
  booking: { startsAt: string; endsAt: string; status?: string; quantity?: number; booker?: string },
): Promise<string> {
  const id = randomUUID();
  await database.query(
    `INSERT INTO facilities.booking (id, facility_id, booker, starts_at, ends_at, quantity, exclusive, status)
     VALUES ($1::uuid, $2::uuid, $3, $4::timestamptz, $5::timestamptz, $6, false, $7::facilities."BookingStatus")`,
    [
      id,
      facilityId,
      booking.booker ?? `booker-${randomUUID().slice(0, 8)}`,
      booking.startsAt,
      booking.endsAt,
      booking.quantity ?? 1,
      booking.status ?? 'CONFIRMED',
    ],
  );
  return id;
}

export async function bookingRow(
  database: Database,
  id: string,
): Promise<{ status: string; version: number; statusReason: string | null }> {
  const [row] = await database.query<{ status: string; version: number; statusReason: string | null }>(
    'SELECT status::text AS status, version, status_reason AS "statusReason" FROM facilities.booking WHERE id = $1::uuid',
    [id],
  );
  return row!;
}

/** The error a promise is refused with (or a failure when it is not). */
export async function refusal(promise: Promise<unknown>): Promise<{ message: string; extensions: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as { message: string; extensions: Record<string, unknown> };
  }
  throw new Error('Expected a refusal.');
}
