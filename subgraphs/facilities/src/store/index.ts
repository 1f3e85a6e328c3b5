import { scopedClient, type Database, type OnQuery } from '../../../../lib/runtime/db';
import type { FacilitiesConfig } from '../config';
import { PrismaClient, type Prisma } from '../generated/prisma/client';
import { availabilityStore } from './availability';
import { bookingsStore } from './bookings';
import { calendarsStore } from './calendars';
import { storeClient } from './client';
import { closuresStore } from './closures';
import { facilitiesStore } from './facilities';
import { usageStore } from './usage';

/** The one part of this subgraph that touches Prisma: one module per aggregate over one client. */
export function createFacilitiesStore(database: Database, onQuery: OnQuery | undefined, config: FacilitiesConfig) {
  // Every transaction bounded by the request's deadline and guarded by its idempotency key (lib/runtime/db/scope.ts).
  const prisma = scopedClient(
    new PrismaClient({
      adapter: database.adapter,
      log: onQuery ? [{ emit: 'event', level: 'query' }] : [],
    }),
    'facilities',
  );
  if (onQuery) prisma.$on('query' as never, (event: Prisma.QueryEvent) => onQuery(event.query, event.params));
  const db = storeClient(prisma, config);
  return {
    timeZone: config.timeZone,
    facilities: facilitiesStore(db),
    closures: closuresStore(db),
    bookings: bookingsStore(db),
    availability: availabilityStore(db),
    calendars: calendarsStore(db),
    usage: usageStore(db),
    close: () => prisma.$disconnect(),
  };
}

export type FacilitiesStore = ReturnType<typeof createFacilitiesStore>;
