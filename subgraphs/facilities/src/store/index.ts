import { openStoreClient, type Database, type OnQuery } from '../../../../lib/runtime/db';
import type { FacilitiesConfig } from '../config';
import { PrismaClient } from '../generated/prisma/client';
import { availabilityStore } from './availability';
import { bookingsStore } from './bookings';
import { calendarsStore } from './calendars';
import { storeClient } from './client';
import { closuresStore } from './closures';
import { facilitiesStore } from './facilities';
import { usageStore } from './usage';
import { waitlistStore } from './waitlist';

/** The one part of this subgraph that touches Prisma: one module per aggregate over one client. */
export function createFacilitiesStore(database: Database, onQuery: OnQuery | undefined, config: FacilitiesConfig) {
  const prisma = openStoreClient(PrismaClient, database, 'facilities', onQuery);
  const db = storeClient(prisma, config);
  return {
    timeZone: config.timeZone,
    facilities: facilitiesStore(db),
    closures: closuresStore(db),
    bookings: bookingsStore(db),
    availability: availabilityStore(db),
    calendars: calendarsStore(db),
    usage: usageStore(db),
    waitlist: waitlistStore(db),
    close: () => prisma.$disconnect(),
  };
}

export type FacilitiesStore = ReturnType<typeof createFacilitiesStore>;
