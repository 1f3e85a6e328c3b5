import type { Database, OnQuery } from '../../../../lib/runtime/db';
import { scopedClient } from '../../../../lib/runtime/db';
import { PrismaClient, type Prisma } from '../generated/prisma/client';
import { annualInspectionsStore } from './annual-inspections';
import { annualReportsStore } from './annual-reports';
import { cityCalendar } from './client';
import { evaluationsStore } from './evaluations';
import { listEntriesStore } from './list-entries';
import { organizationsStore } from './organizations';
import { penaltiesStore } from './penalties';
import { serviceAreasStore } from './service-areas';
import { statusChangesStore } from './status-changes';

/** The one part of this subgraph that touches Prisma: one module per aggregate over one client. */
export function createOrganizationsStore(database: Database, onQuery: OnQuery | undefined, timeZone: string) {
  // Every transaction bounded by the request's deadline and guarded by its idempotency key (lib/runtime/db/scope.ts).
  const prisma = scopedClient(
    new PrismaClient({
      adapter: database.adapter,
      log: onQuery ? [{ emit: 'event', level: 'query' }] : [],
    }),
    'organizations',
  );
  if (onQuery) prisma.$on('query' as never, (event: Prisma.QueryEvent) => onQuery(event.query, event.params));
  const calendar = cityCalendar(timeZone);

  return {
    today: calendar.today,
    dayOf: calendar.dayOf,
    organizations: organizationsStore(prisma, calendar),
    serviceAreas: serviceAreasStore(prisma, calendar),
    statusChanges: statusChangesStore(prisma),
    evaluations: evaluationsStore(prisma),
    annualReports: annualReportsStore(prisma),
    listEntries: listEntriesStore(prisma, calendar),
    penalties: penaltiesStore(prisma),
    annualInspections: annualInspectionsStore(prisma),
    close: () => prisma.$disconnect(),
  };
}

export type OrganizationsStore = ReturnType<typeof createOrganizationsStore>;
