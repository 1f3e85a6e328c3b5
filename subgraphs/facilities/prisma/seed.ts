import { createHash } from 'node:crypto';
import { addDays, toDateColumn, todayIn } from '../../../lib/kernel/dates';
import { fromFen, toFen } from '../../../lib/kernel/money';
import type { Session } from '../../../lib/runtime/db';
import { demoCity, type DemoCommunity } from '../../../seed/demo-city';
import { between, pick, seededRandom } from '../../../seed/random';

/**
 * The shared facility network of the demo city (社区之家): Haidian's community homes (three per
 * community there) and one or two per community elsewhere, of every kind, opened by the
 * enterprises and public institutions the organizations seed registered in the same district,
 * with opening hours, closures and bookings from three weeks back to two weeks ahead of the day
 * the seed runs (local days in Asia/Shanghai, the demo city's zone), and one full slot's waiting list.
 */

const ZONE_OFFSET = '+08:00';
const HAIDIAN = '110108';

type Kind = 'CANTEEN' | 'PARKING' | 'MEETING_ROOM' | 'SPORTS_VENUE' | 'FITNESS_ROOM' | 'LIBRARY' | 'ACTIVITY_ROOM' | 'STUDY_ROOM';

interface KindPlan {
  kind: Kind;
  label: string;
  capacity: [number, number];
  slot: number;
  minSlots: number;
  maxSlots: number;
  /** Opening intervals as [weekdays, opens, closes] in minutes. */
  hours: [number[], number, number][];
  approval: boolean;
  price: string | null;
}

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
const WEEKDAYS = [1, 2, 3, 4, 5];
const H = 60;

const KINDS: KindPlan[] = [
  {
    kind: 'CANTEEN',
    label: '长者食堂',
    capacity: [20, 60],
    slot: 60,
    minSlots: 1,
    maxSlots: 1,
    hours: [
      [EVERY_DAY, 6 * H, 9 * H],
      [EVERY_DAY, 11 * H, 13 * H],
      [EVERY_DAY, 17 * H, 19 * H],
    ],
    approval: false,
    price: '12.00',
  },
  // Night parking runs across midnight: the evening and the next morning join.
  {
    kind: 'PARKING',
    label: '共享停车场',
    capacity: [10, 40],
    slot: 60,
    minSlots: 1,
    maxSlots: 14,
    hours: [
      [EVERY_DAY, 19 * H, 24 * H],
      [EVERY_DAY, 0, 8 * H],
    ],
    approval: false,
    price: '2.00',
  },
  {
    kind: 'MEETING_ROOM',
    label: '会议室',
    capacity: [1, 1],
    slot: 30,
    minSlots: 2,
    maxSlots: 8,
    hours: [
      [WEEKDAYS, 9 * H, 12 * H],
      [WEEKDAYS, 14 * H, 18 * H],
    ],
    approval: true,
    price: null,
  },
  {
    kind: 'SPORTS_VENUE',
    label: '篮球场',
    capacity: [1, 1],
    slot: 60,
    minSlots: 1,
    maxSlots: 2,
    hours: [[EVERY_DAY, 8 * H, 22 * H]],
    approval: false,
    price: '20.00',
  },
  {
    kind: 'FITNESS_ROOM',
    label: '健身房',
    capacity: [8, 20],
    slot: 60,
    minSlots: 1,
    maxSlots: 2,
    hours: [[EVERY_DAY, 6 * H, 22 * H]],
    approval: false,
    price: null,
  },
  {
    kind: 'LIBRARY',
    label: '图书室',
    capacity: [10, 40],
    slot: 60,
    minSlots: 1,
    maxSlots: 4,
    hours: [[[2, 3, 4, 5, 6, 7], 9 * H, 20 * H]],
    approval: false,
    price: null,
  },
  {
    kind: 'ACTIVITY_ROOM',
    label: '多功能活动室',
    capacity: [1, 1],
    slot: 60,
    minSlots: 1,
    maxSlots: 3,
    hours: [[EVERY_DAY, 9 * H, 21 * H]],
    approval: true,
    price: null,
  },
  {
    kind: 'STUDY_ROOM',
    label: '共享自习室',
    capacity: [10, 30],
    slot: 60,
    minSlots: 1,
    maxSlots: 4,
    hours: [[EVERY_DAY, 8 * H, 22 * H]],
    approval: false,
    price: '1.50',
  },
];

const HOSTS = ['中学', '小学', '科技园', '医院', '银行', '物业服务中心', '文化中心', '街道办事处'];

export function demoFacilityId(key: string): string {
  const hex = createHash('sha256').update(`facility:${key}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function isoWeekday(day: string): number {
  return ((toDateColumn(day).getUTCDay() + 6) % 7) + 1;
}

function instant(day: string, minute: number): string {
  return new Date(Date.parse(`${day}T00:00:00${ZONE_OFFSET}`) + minute * 60_000).toISOString();
}

export interface DemoFacility {
  id: string;
  unitId: string;
  communityCode: string;
  plan: KindPlan;
  name: string;
  address: string;
  capacity: number;
  status: 'SUBMITTED' | 'RETURNED' | 'LISTED' | 'SUSPENDED';
  statusReason: string | null;
  closures: { startsOn: string; endsOn: string; reason: string }[];
}

/** The facilities, given the units of each district (ids from the organizations seed). */
export function demoFacilities(unitsByDistrict: Map<string, string[]>, today: string): DemoFacility[] {
  const random = seededRandom(20261125);
  const facilities: DemoFacility[] = [];
  const communities: DemoCommunity[] = demoCity().communities;
  let k = 0;
  for (const community of communities) {
    const units = unitsByDistrict.get(community.code.slice(0, 6)) ?? [];
    if (units.length === 0) continue;
    const count = community.code.startsWith(HAIDIAN) ? 3 : 1 + (between(random, 0, 2) === 0 ? 1 : 0);
    for (let i = 0; i < count; i++) {
      const plan = KINDS[k++ % KINDS.length]!;
      const key = `${community.code}:${i}`;
      const roll = random();
      const status = roll < 0.04 ? 'SUBMITTED' : roll < 0.06 ? 'RETURNED' : roll < 0.09 ? 'SUSPENDED' : 'LISTED';
      facilities.push({
        id: demoFacilityId(key),
        unitId: pick(random, units),
        communityCode: community.code,
        plan,
        name: `${community.name}${pick(random, HOSTS)}${plan.label}`,
        address: `${community.serviceStationAddress}${between(random, 1, 9)}栋`,
        capacity: between(random, plan.capacity[0], plan.capacity[1]),
        status,
        statusReason: status === 'RETURNED' ? '请补充消防验收材料' : status === 'SUSPENDED' ? '设施维修，暂停预约' : null,
        closures:
          random() < 0.3
            ? [
                {
                  startsOn: addDays(today, between(random, 2, 12)),
                  endsOn: addDays(today, between(random, 12, 13)),
                  reason: pick(random, ['设备检修', '消杀闭馆', '节假日闭馆']),
                },
              ]
            : [],
      });
    }
  }
  return facilities;
}

interface DemoBooking {
  id: string;
  facility_id: string;
  booker: string;
  starts_at: string;
  ends_at: string;
  quantity: number;
  exclusive: boolean;
  status: string;
  status_reason: string | null;
  price: string | null;
}

/**
 * Bookings that respect every rule the service enforces: inside opening hours, outside
 * closures, on slot boundaries, never above capacity in any slot.
 */
export function demoBookings(facilities: readonly DemoFacility[], today: string): DemoBooking[] {
  const random = seededRandom(20261126);
  const bookings: DemoBooking[] = [];
  for (const facility of facilities) {
    if (facility.status !== 'LISTED' && facility.status !== 'SUSPENDED') continue;
    const { plan } = facility;
    for (let d = -21; d <= 13; d++) {
      const day = addDays(today, d);
      if (facility.closures.some((c) => day >= c.startsOn && day <= c.endsOn)) continue;
      const used = new Map<number, number>();
      const intervals = plan.hours.filter(([days]) => days.includes(isoWeekday(day)));
      if (intervals.length === 0) continue;
      const wanted = between(random, 0, 3);
      for (let n = 0; n < wanted; n++) {
        const [, opens, closes] = pick(random, intervals);
        const length = between(random, plan.minSlots, Math.min(plan.maxSlots, plan.minSlots + 1, (closes - opens) / plan.slot));
        const startSlot = between(random, 0, (closes - opens) / plan.slot - length);
        const start = opens + startSlot * plan.slot;
        const slots = Array.from({ length }, (_, s) => start + s * plan.slot);
        if (slots.some((slot) => (used.get(slot) ?? 0) + 1 > facility.capacity)) continue;
        for (const slot of slots) used.set(slot, (used.get(slot) ?? 0) + 1);
        const past = d < 0;
        const roll = random();
        const status = past
          ? roll < 0.8
            ? 'CHECKED_IN'
            : roll < 0.9
              ? 'NO_SHOW'
              : 'CANCELLED'
          : roll < 0.85
            ? plan.approval && roll < 0.3
              ? 'PENDING'
              : 'CONFIRMED'
            : 'CANCELLED';
        bookings.push({
          id: demoFacilityId(`${facility.id}:booking:${d}:${n}`),
          facility_id: facility.id,
          booker: `demo-resident-${between(random, 1, 600)}`,
          starts_at: instant(day, start),
          ends_at: instant(day, start + length * plan.slot),
          quantity: 1,
          exclusive: facility.capacity === 1,
          status,
          status_reason: status === 'CANCELLED' ? '临时有事' : null,
          price: plan.price === null ? null : fromFen(toFen(plan.price) * BigInt(length)),
        });
      }
    }
  }
  return bookings;
}

/**
 * How each facility came to its status, as the service would have recorded it: submitted and
 * reviewed before the oldest booking any seed writes (the scaled city repeats bookings about a
 * year back), a suspension at the moment of seeding. Usage counts opening hours from this history.
 */
function facilityHistory(
  facility: DemoFacility,
  today: string,
): {
  id: string;
  action: string;
  from_status: string | null;
  to_status: string;
  roles: string[];
  reason: string | null;
  at: string;
}[] {
  const submitted = {
    id: facility.id,
    action: 'SUBMIT',
    from_status: null,
    to_status: 'SUBMITTED',
    roles: ['UNIT_ADMIN'],
    reason: null,
    at: instant(addDays(today, -400), 9 * 60),
  };
  if (facility.status === 'SUBMITTED') return [submitted];
  const reviewedAt = instant(addDays(today, -399), 10 * 60);
  const reviewed =
    facility.status === 'RETURNED'
      ? {
          id: facility.id,
          action: 'STATUS',
          from_status: 'SUBMITTED',
          to_status: 'RETURNED',
          roles: ['COMMUNITY_WORKER'],
          reason: facility.statusReason,
          at: reviewedAt,
        }
      : {
          id: facility.id,
          action: 'STATUS',
          from_status: 'SUBMITTED',
          to_status: 'LISTED',
          roles: ['COMMUNITY_WORKER'],
          reason: null,
          at: reviewedAt,
        };
  if (facility.status !== 'SUSPENDED') return [submitted, reviewed];
  const suspended = {
    id: facility.id,
    action: 'STATUS',
    from_status: 'LISTED',
    to_status: 'SUSPENDED',
    roles: ['UNIT_ADMIN'],
    reason: facility.statusReason,
    at: new Date().toISOString(),
  };
  return [submitted, reviewed, suspended];
}

/**
 * A waiting list (候补) to look at: three demo residents (outside the bookers' 1–600) wait, in
 * order, for the first confirmed booking at least two days ahead in a listed room of capacity 1,
 * so its slot is full. Ids are derived from the booking's, so the seed stays repeatable.
 */
const demoWaitingList = `
    INSERT INTO facilities.waitlist_entry (id, facility_id, booker, starts_at, ends_at, purpose, created_at)
    SELECT md5(b.id::text || ':waiting:' || n)::uuid, b.facility_id, 'demo-resident-' || (600 + n), b.starts_at, b.ends_at,
           '社区活动', now() - make_interval(hours => 4 - n)
      FROM (SELECT b.* FROM facilities.booking b JOIN facilities.facility f ON f.id = b.facility_id
             WHERE b.facility_id = ANY($1::uuid[]) AND f.capacity = 1 AND f.status = 'LISTED' AND b.status = 'CONFIRMED'
               AND b.starts_at > now() + interval '2 days'
             ORDER BY b.starts_at, b.id LIMIT 1) AS b
     CROSS JOIN generate_series(1, 3) AS n
     ORDER BY n
    ON CONFLICT DO NOTHING`;

/** Seeds the facility network; rows already there are left as they are (idempotent). */
export async function seedFacilities(session: Session): Promise<void> {
  const units = await session.query<{ id: string; area: string }>(
    `SELECT id::text AS id, registration_area AS area FROM organizations.organization
      WHERE kind IN ('ENTERPRISE', 'PUBLIC_INSTITUTION') AND status = 'ACTIVE' ORDER BY name, id`,
  );
  const byDistrict = new Map<string, string[]>();
  for (const unit of units) byDistrict.set(unit.area.slice(0, 6), [...(byDistrict.get(unit.area.slice(0, 6)) ?? []), unit.id]);
  const today = todayIn('Asia/Shanghai');
  const facilities = demoFacilities(byDistrict, today);
  // Hours, closures and bookings go with newly inserted facilities only, so a second run adds nothing.
  const inserted = await session.query<{ id: string }>(
    `INSERT INTO facilities.facility (id, unit_id, community_code, kind, name, address, capacity, status, slot_minutes, min_slots,
            max_slots, advance_days, weekly_quota, approval_required, cancel_hours, price_per_slot, accessibility, status_reason)
     SELECT f.id, f.unit_id, f.community_code, f.kind::facilities."FacilityKind", f.name, f.address, f.capacity,
            f.status::facilities."FacilityStatus", f.slot_minutes, f.min_slots, f.max_slots, 30, 3, f.approval, 2, f.price,
            '无障碍坡道，轮椅可进入', f.status_reason
       FROM jsonb_to_recordset($1::jsonb) AS f(id uuid, unit_id uuid, community_code text, kind text, name text, address text,
            capacity int, status text, slot_minutes smallint, min_slots smallint, max_slots smallint, approval boolean,
            price numeric, status_reason text)
     ON CONFLICT DO NOTHING
     RETURNING id::text AS id`,
    [
      JSON.stringify(
        facilities.map((f) => ({
          id: f.id,
          unit_id: f.unitId,
          community_code: f.communityCode,
          kind: f.plan.kind,
          name: f.name,
          address: f.address,
          capacity: f.capacity,
          status: f.status,
          slot_minutes: f.plan.slot,
          min_slots: f.plan.minSlots,
          max_slots: f.plan.maxSlots,
          approval: f.plan.approval,
          price: f.plan.price,
          status_reason: f.statusReason,
        })),
      ),
    ],
  );
  if (inserted.length === 0) return;
  const fresh = new Set(inserted.map((row) => row.id));
  const mine = facilities.filter((f) => fresh.has(f.id));
  await session.query(
    `INSERT INTO facilities.opening_hours (facility_id, weekday, start_minute, end_minute)
     SELECT h.facility_id, h.weekday, h.start_minute, h.end_minute
       FROM jsonb_to_recordset($1::jsonb) AS h(facility_id uuid, weekday smallint, start_minute smallint, end_minute smallint)`,
    [
      JSON.stringify(
        mine.flatMap((f) =>
          f.plan.hours.flatMap(([days, opens, closes]) =>
            days.map((weekday) => ({ facility_id: f.id, weekday, start_minute: opens, end_minute: closes })),
          ),
        ),
      ),
    ],
  );
  await session.query(
    `INSERT INTO facilities.closure (facility_id, starts_on, ends_on, reason)
     SELECT c.facility_id, c.starts_on, c.ends_on, c.reason
       FROM jsonb_to_recordset($1::jsonb) AS c(facility_id uuid, starts_on date, ends_on date, reason text)`,
    [
      JSON.stringify(
        mine.flatMap((f) => f.closures.map((c) => ({ facility_id: f.id, starts_on: c.startsOn, ends_on: c.endsOn, reason: c.reason }))),
      ),
    ],
  );
  await session.query(
    `INSERT INTO facilities.facility_event (entity_type, entity_id, action, from_status, to_status, actor, actor_roles, reason, at)
     SELECT 'Facility', e.id, e.action, e.from_status, e.to_status, 'seed', e.roles, e.reason, e.at
       FROM jsonb_to_recordset($1::jsonb) AS e(id uuid, action text, from_status text, to_status text, roles text[], reason text, at timestamptz)`,
    [JSON.stringify(mine.flatMap((f) => facilityHistory(f, today)))],
  );
  await session.query(
    `INSERT INTO facilities.booking (id, facility_id, booker, starts_at, ends_at, quantity, exclusive, status, status_reason, price)
     SELECT b.id, b.facility_id, b.booker, b.starts_at, b.ends_at, b.quantity, b.exclusive, b.status::facilities."BookingStatus",
            b.status_reason, b.price
       FROM jsonb_to_recordset($1::jsonb) AS b(id uuid, facility_id uuid, booker text, starts_at timestamptz, ends_at timestamptz,
            quantity smallint, exclusive boolean, status text, status_reason text, price numeric)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(demoBookings(mine, today))],
  );
  await session.query(demoWaitingList, [mine.map((f) => f.id)]);
}
