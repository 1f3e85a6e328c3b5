import { dayIn, todayIn } from '../../../../lib/kernel/dates';
import { openStoreClient, type Database, type OnQuery } from '../../../../lib/runtime/db';
import { PrismaClient } from '../generated/prisma/client';
import { annualInspectionsStore } from './annual-inspections';
import { annualReportsStore } from './annual-reports';
import { evaluationsStore } from './evaluations';
import { listEntriesStore } from './list-entries';
import { organizationsStore } from './organizations';
import { penaltiesStore } from './penalties';
import { serviceAreasStore } from './service-areas';
import { statusChangesStore } from './status-changes';

/** The one part of this subgraph that touches Prisma: one module per aggregate over one client. */
export function createOrganizationsStore(database: Database, onQuery: OnQuery | undefined, timeZone: string) {
  const prisma = openStoreClient(PrismaClient, database, 'organizations', onQuery);
  // Records carry calendar days, and "today" is the city's day, not the server's.
  const today = () => todayIn(timeZone);

  return {
    today,
    dayOf: (instant: Date) => dayIn(timeZone, instant),
    organizations: organizationsStore(prisma, today),
    serviceAreas: serviceAreasStore(prisma, today),
    statusChanges: statusChangesStore(prisma),
    evaluations: evaluationsStore(prisma),
    annualReports: annualReportsStore(prisma),
    listEntries: listEntriesStore(prisma, today),
    penalties: penaltiesStore(prisma),
    annualInspections: annualInspectionsStore(prisma),
    close: () => prisma.$disconnect(),
  };
}

export type OrganizationsStore = ReturnType<typeof createOrganizationsStore>;
