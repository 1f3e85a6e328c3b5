import type { WaitlistEntryResolvers } from '../generated/graphql';

/** A waiting-list entry is reached only by its booker (myWaitlistEntries, the mutations' payloads). */
export const WaitlistEntry: WaitlistEntryResolvers = {
  facility: async (entry, _, { loaders }) => (await loaders.facility.load(entry.facilityId))!,

  booking: (entry, _, { loaders }) => (entry.bookingId ? loaders.booking.load(entry.bookingId) : null),

  bookerOrganization: (entry) => (entry.bookerOrg ? { id: entry.bookerOrg } : null),
};
