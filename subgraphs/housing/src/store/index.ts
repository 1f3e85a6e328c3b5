import type { Database, OnQuery } from '../../../../lib/runtime/db';
import { scopedClient } from '../../../../lib/runtime/db';
import type { HousingConfig } from '../config';
import { PrismaClient, type Prisma } from '../generated/prisma/client';
import { buybacksStore } from './buybacks';
import { todayIn } from './client';
import { complianceStore } from './compliance';
import { developmentsStore } from './developments';
import { inspectionsStore } from './inspections';
import { leasesStore } from './leases';
import { premisesStore } from './premises';
import { referencePricesStore } from './referencePrices';

/** The one part of this subgraph that touches Prisma: one module per aggregate over one client. */
export function createHousingStore(database: Database, onQuery: OnQuery | undefined, timeZone: string, config: HousingConfig) {
  // Every transaction bounded by the request's deadline and guarded by its idempotency key (lib/runtime/db/scope.ts).
  const db = scopedClient(new PrismaClient({ adapter: database.adapter, log: onQuery ? [{ emit: 'event', level: 'query' }] : [] }), 'housing');
  if (onQuery) db.$on('query' as never, (event: Prisma.QueryEvent) => onQuery(event.query, event.params));
  const today = () => todayIn(timeZone);
  return {
    /** The city's day, which notices, leases and valuations are dated by. */
    today,
    config,
    developments: developmentsStore(db),
    premises: premisesStore(db),
    inspections: inspectionsStore(db),
    buybacks: buybacksStore(db),
    referencePrices: referencePricesStore(db),
    leases: leasesStore(db, today),
    compliance: complianceStore(db, today, config),
    close: () => db.$disconnect(),
  };
}

export type HousingStore = ReturnType<typeof createHousingStore>;
