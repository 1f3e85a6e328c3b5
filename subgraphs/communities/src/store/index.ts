import { openStoreClient, type Database, type OnQuery } from '../../../../lib/runtime/db';
import { PrismaClient } from '../generated/prisma/client';
import { areasStore } from './areas';
import { communitiesStore } from './communities';

/** The one part of this subgraph that touches Prisma: one module per aggregate over one client. */
export function createCommunitiesStore(database: Database, onQuery?: OnQuery) {
  const prisma = openStoreClient(PrismaClient, database, 'communities', onQuery);

  return {
    areas: areasStore(prisma),
    communities: communitiesStore(prisma),
    close: () => prisma.$disconnect(),
  };
}

export type CommunitiesStore = ReturnType<typeof createCommunitiesStore>;
