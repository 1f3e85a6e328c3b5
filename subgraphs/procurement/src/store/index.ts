import { openStoreClient, type Database, type OnQuery } from '../../../../lib/runtime/db';
import { PrismaClient } from '../generated/prisma/client';
import { createBeyondStore } from '../red-flags/beyond-store';
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
export function createProcurementStore(database: Database, onQuery?: OnQuery) {
  const prisma = openStoreClient(PrismaClient, database, 'procurement', onQuery);
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
    /** What red flags are computed from (red-flags/store.ts, beyond-store.ts). */
    redFlags: { ...createRedFlagStore(prisma), ...createBeyondStore(prisma) },
    close: () => prisma.$disconnect(),
  };
}

export type ProcurementStore = ReturnType<typeof createProcurementStore>;
