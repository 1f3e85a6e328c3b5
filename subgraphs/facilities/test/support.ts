import { randomUUID } from 'node:crypto';
import type { Role } from '../../../lib/kernel/auth';
import { addDays, toDateColumn, todayIn } from '../../../lib/kernel/dates';
import type { TestGraph } from '../../../test/support/graph';
import { tokenFor } from '../../../test/support/tokens';

/** Helpers for the facilities tests: local times in the city's zone, registering and listing. */

export const JIFU = '510107001001'; // 武侯区晋阳街道吉福社区
export const JINYANG_STREET = '510107001000';
export const WUHOU = '510107000000';
export const QINGBO = '510105001001'; // 青羊区苏坡街道清波社区
export const OFFSET = '+08:00';

/** The instant of a local date and time in Asia/Shanghai. */
export function at(day: string, time: string): string {
  return new Date(`${day}T${time}:00${OFFSET}`).toISOString();
}

export { addDays };

export function localToday(): string {
  return todayIn('Asia/Shanghai');
}

export function isoWeekday(day: string): number {
  return ((toDateColumn(day).getUTCDay() + 6) % 7) + 1;
}

/** The first local date at least `minDays` ahead falling on the ISO weekday. */
export function nextWeekday(weekday: number, minDays = 2): string {
  let day = addDays(localToday(), minDays);
  while (isoWeekday(day) !== weekday) day = addDays(day, 1);
  return day;
}

export const ALL_DAY = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '00:00', closes: '24:00' }));

export interface FacilitySpec {
  communityCode?: string;
  kind?: string;
  name?: string;
  capacity?: number;
  openingHours?: { weekday: number; opens: string; closes: string }[];
  closures?: { startsOn: string; endsOn: string; reason: string }[];
  policy?: Partial<Policy>;
  pricePerSlot?: string | null;
}

export interface Policy {
  slotMinutes: number;
  minSlots: number;
  maxSlots: number;
  advanceDays: number;
  weeklyQuota: number;
  approvalRequired: boolean;
  cancellationDeadlineHours: number;
}

export const DEFAULT_POLICY: Policy = {
  slotMinutes: 60,
  minSlots: 1,
  maxSlots: 4,
  advanceDays: 200,
  weeklyQuota: 3,
  approvalRequired: false,
  cancellationDeadlineHours: 2,
};

export const REGISTER = `mutation ($input: RegisterFacilityInput!) { registerFacility(input: $input) { facility { id status version } } }`;
export const CHANGE = `mutation ($input: ChangeFacilityStatusInput!) { changeFacilityStatus(input: $input) { facility { id status statusReason version } cancelledBookings } }`;
export const BOOK = `mutation ($input: BookFacilityInput!) { bookFacility(input: $input) { booking { id status startsAt endsAt quantity version price { amount } } } }`;

export function token(roles: Role[], area: string, extra: { org?: string; sub?: string } = {}): Promise<string> {
  return tokenFor({ roles, area, ...extra });
}

export interface Unit {
  id: string;
  admin: string;
}

export async function newUnit(area = WUHOU): Promise<Unit> {
  const id = randomUUID();
  return { id, admin: await token(['UNIT_ADMIN'], area, { org: id, sub: `unit-admin-${id}` }) };
}

export function registerInput(unit: Unit, spec: FacilitySpec = {}) {
  return {
    unitId: unit.id,
    communityCode: spec.communityCode ?? JIFU,
    kind: spec.kind ?? 'MEETING_ROOM',
    name: spec.name ?? `会议室 ${randomUUID().slice(0, 6)}`,
    address: '晋阳路 1 号',
    capacity: spec.capacity ?? 1,
    openingHours: spec.openingHours ?? ALL_DAY,
    closures: spec.closures ?? [],
    policy: { ...DEFAULT_POLICY, ...spec.policy },
    pricePerSlot: spec.pricePerSlot ?? null,
    accessibility: '无障碍坡道',
  };
}

/** A facility's version as stored: the one its unit or officer would have read before a change. */
export async function facilityVersion(graph: TestGraph, id: string): Promise<number> {
  const [row] = await graph.database.query<{ version: number }>('SELECT version FROM facilities.facility WHERE id = $1::uuid', [id]);
  return row!.version;
}

/** Registers a facility as the unit and lists it as the community's worker; returns its id. */
export async function listedFacility(graph: TestGraph, unit: Unit, spec: FacilitySpec = {}): Promise<string> {
  const registered = await graph.request(REGISTER, { token: unit.admin, variables: { input: registerInput(unit, spec) } });
  if (registered.body.errors) throw new Error(JSON.stringify(registered.body.errors));
  const id = registered.body.data!.registerFacility.facility.id as string;
  const worker = await token(['COMMUNITY_WORKER'], spec.communityCode ?? JIFU);
  const listed = await graph.request(CHANGE, { token: worker, variables: { input: { id, to: 'LISTED', expectedVersion: 1 } } });
  if (listed.body.errors) throw new Error(JSON.stringify(listed.body.errors));
  return id;
}

let residentCounter = 0;
export async function resident(name = `resident-${++residentCounter}-${randomUUID().slice(0, 8)}`): Promise<string> {
  return token(['RESIDENT'], JIFU, { sub: name });
}

export function codeOf(body: { errors?: { extensions?: Record<string, unknown> }[] }): unknown {
  return body.errors?.[0]?.extensions?.code;
}
