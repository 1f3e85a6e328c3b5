import type { Connection } from '../../../lib/graphql/connections';
import type { BookingStatus, FacilityKind, FacilityStatus } from './generated/prisma/enums';

/** A facility as the store returns it; hours and closures are loaded apart. */
export interface FacilityModel {
  id: string;
  unitId: string;
  communityCode: string;
  kind: FacilityKind;
  name: string;
  address: string;
  capacity: number;
  status: FacilityStatus;
  slotMinutes: number;
  minSlots: number;
  maxSlots: number;
  advanceDays: number;
  weeklyQuota: number;
  approvalRequired: boolean;
  cancelHours: number;
  /** Exact yuan, two decimals; null when free. */
  pricePerSlot: string | null;
  accessibility: string | null;
  statusReason: string | null;
  version: number;
  updatedAt: Date;
}

export interface BookingModel {
  id: string;
  facilityId: string;
  booker: string;
  bookerOrg: string | null;
  startsAt: Date;
  endsAt: Date;
  quantity: number;
  purpose: string | null;
  status: BookingStatus;
  statusReason: string | null;
  price: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface OpeningHoursEntry {
  facilityId: string;
  weekday: number;
  startMinute: number;
  endMinute: number;
}

export interface ClosureModel {
  facilityId: string;
  startsOn: string;
  endsOn: string;
  reason: string;
}

export interface FacilityEventModel {
  entityId: string;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  actor: string;
  actorRoles: string[];
  actorOrg: string | null;
  reason: string | null;
  at: Date;
  /** The facility's community, so the actor's subject is shown only to readers covering it. */
  communityCode: string;
}

export interface SlotAvailabilityModel {
  startsAt: Date;
  endsAt: Date;
  free: number;
}

export interface AvailableFacilityModel {
  facilityId: string;
  rank: number;
  name: string;
  freeSlots: number;
  firstFreeSlot: SlotAvailabilityModel;
}

export interface FacilityUsageModel {
  facilities: number;
  hoursOpen: number;
  hoursBooked: number;
  bookings: number;
  peopleServed: number;
  noShowRate: number | null;
}

export type FacilityConnectionModel = Connection<FacilityModel>;
export type BookingConnectionModel = Connection<BookingModel>;

export interface CommunityModel {
  code: string;
}

export interface OrganizationModel {
  id: string;
}

export interface AreaModel {
  code: string;
}

export type AvailableFacilityConnectionModel = Connection<AvailableFacilityModel>;
