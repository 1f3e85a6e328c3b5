import { todayIn } from '../../../../lib/kernel/dates';
import { openStoreClient, type Database, type OnQuery } from '../../../../lib/runtime/db';
import type { HousingConfig } from '../config';
import { PrismaClient } from '../generated/prisma/client';
import { buybacksStore } from './buybacks';
import { complianceStore } from './compliance';
import { developmentsStore } from './developments';
import { inspectionsStore } from './inspections';
import { leasesStore } from './leases';
import { premisesStore } from './premises';
import { referencePricesStore } from './referencePrices';

/** The one part of this subgraph that touches Prisma: one module per aggregate over one client. */
export function createHousingStore(database: Database, onQuery: OnQuery | undefined, timeZone: string, config: HousingConfig) {
  const db = openStoreClient(PrismaClient, database, 'housing', onQuery);
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
