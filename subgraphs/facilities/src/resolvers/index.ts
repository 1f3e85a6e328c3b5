import type { Resolvers } from '../generated/graphql';
import { AvailableFacility } from './AvailableFacility';
import { Booking } from './Booking';
import { Community, Organization } from './Community';
import { Facility } from './Facility';
import { FacilityEvent } from './FacilityEvent';
import { Mutation } from './Mutation';
import { Query } from './Query';

export const resolvers: Resolvers = { Query, Mutation, Facility, Booking, FacilityEvent, Community, Organization, AvailableFacility };
