import type { Resolvers } from '../generated/graphql';
import { AvailableFacility } from './AvailableFacility';
import { Booking } from './Booking';
import { Community } from './Community';
import { Facility } from './Facility';
import { FacilityEvent } from './FacilityEvent';
import { Mutation } from './Mutation';
import { Organization } from './Organization';
import { Query } from './Query';
import { WaitlistEntry } from './WaitlistEntry';

export const resolvers: Resolvers = {
  Query,
  Mutation,
  Facility,
  Booking,
  FacilityEvent,
  Community,
  Organization,
  AvailableFacility,
  WaitlistEntry,
};
