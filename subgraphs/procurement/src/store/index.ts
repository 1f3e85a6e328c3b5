import type { Database, OnQuery } from '../../../../lib/runtime/db';
import { scopedClient } from '../../../../lib/runtime/db';
import { PrismaClient, type Prisma } from '../generated/prisma/client';
import { createRedFlagStore } from '../red-flags/store';
import { bidsStore } from './bids';
import { budgetLinesStore } from './budget-lines';
import { contractsStore } from './contracts';
import { evaluationsStore } from './evaluations';
import { milestonesStore } from './milestones';
import { paymentsStore } from './payments';
import { projectsStore } from './projects';
import { recordsStore } from './records';
import { tendersStore } from './tenders';

/** The one part of this subgraph that touches Prisma: one module per aggregate over one client. */
export function createProcurementStore(database: Database, onQuery: OnQuery | undefined) {
  // Every transaction bounded by the request's deadline and guarded by its idempotency key (lib/runtime/db/scope.ts).
  const prisma = scopedClient(new PrismaClient({ adapter: database.adapter, log: onQuery ? [{ emit: 'event', level: 'query' }] : [] }), 'procurement');
  if (onQuery) prisma.$on('query' as never, (event: Prisma.QueryEvent) => onQuery(event.query, event.params));
  return {
    budgetLines: budgetLinesStore(prisma),
    projects: projectsStore(prisma),
    tenders: tendersStore(prisma),
    bids: bidsStore(prisma),
    contracts: contractsStore(prisma),
    milestones: milestonesStore(prisma),
    payments: paymentsStore(prisma),
    evaluations: evaluationsStore(prisma),
    records: recordsStore(prisma),
    /** What red flags are computed from (red-flags/store.ts). */
    redFlags: createRedFlagStore(prisma),
    close: () => prisma.$disconnect(),
  };
}

export type ProcurementStore = ReturnType<typeof createProcurementStore>;
