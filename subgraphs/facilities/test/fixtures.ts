import type { FacilityModel } from '../src/models';

/** A listed meeting room of one unit, as the store returns it: the unit tests' starting point. */

export const UNIT = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
export const COMMUNITY = '510104001002';

export const facility = (overrides: Partial<FacilityModel> = {}): FacilityModel => ({
  id: 'f0000000-0000-4000-8000-000000000001',
  unitId: UNIT,
  communityCode: COMMUNITY,
  kind: 'MEETING_ROOM',
  name: '春熙社区会议室',
  address: '春熙路1号',
  capacity: 20,
  status: 'LISTED',
  slotMinutes: 60,
  minSlots: 1,
  maxSlots: 4,
  advanceDays: 14,
  weeklyQuota: 3,
  approvalRequired: false,
  cancelHours: 24,
  pricePerSlot: null,
  accessibility: null,
  statusReason: null,
  version: 1,
  updatedAt: new Date(0),
  ...overrides,
});
