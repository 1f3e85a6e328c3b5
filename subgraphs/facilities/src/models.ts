import type { Connection } from '../../../lib/runtime/connections';
import type { BookingStatus, FacilityKind, FacilityStatus, WaitlistStatus } from './generated/prisma/enums';

/** Statuses anyone may see a facility in. */
export const PUBLIC_STATUSES: readonly FacilityStatus[] = ['LISTED', 'SUSPENDED'];

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

/** A place on a facility interval's waiting list; `position` is counted in SQL, null unless WAITING. */
export interface WaitlistEntryModel {
  id: string;
  facilityId: string;
  booker: string;
  bookerOrg: string | null;
  startsAt: Date;
  endsAt: Date;
  quantity: number;
  purpose: string | null;
  status: WaitlistStatus;
  statusReason: string | null;
  bookingId: string | null;
  position: number | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What promotion decides for one waiting entry: book it now, keep it waiting, or expire it for good. */
export type PromotionVerdict = { outcome: 'PROMOTE' } | { outcome: 'KEEP' | 'EXPIRE'; rule: string; reason: string };

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
export type WaitlistEntryConnectionModel = Connection<WaitlistEntryModel>;

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
  closures: NewClosure[];
}

export interface NewClosure {
  startsOn: string;
  endsOn: string;
  reason: string;
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

/** A booking's next state, decided by its workflow against the current row. */
export interface BookingStep {
  status: BookingStatus;
  reason: string | null;
  action: string;
}

/** The facilities whose usage is reported: one facility, one unit's, or those under an area. */
export interface UsageScope {
  facilityId?: string;
  unitId?: string;
  within?: string;
}

/** A booking on a calendar feed, with where it is. */
export type CalendarFeedBooking = BookingModel & { facilityName: string; facilityAddress: string };
