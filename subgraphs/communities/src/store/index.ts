import type { Database, OnQuery } from '../../../../lib/db';
import { scopedClient } from '../../../../lib/db';
import { PrismaClient, type Prisma } from '../generated/prisma/client';
import { areasStore } from './areas';
import { communitiesStore } from './communities';

/** The one part of this subgraph that touches Prisma: one module per aggregate over one client. */
export function createCommunitiesStore(database: Database, onQuery?: OnQuery) {
  // Every transaction bounded by the request's deadline and guarded by its idempotency key (lib/db/scope.ts).
  const prisma = scopedClient(
    new PrismaClient({
      adapter: database.adapter,
      log: onQuery ? [{ emit: 'event', level: 'query' }] : [],
    }),
    'communities',
  );
  if (onQuery) prisma.$on('query' as never, (event: Prisma.QueryEvent) => onQuery(event.query, event.params));

  return {
    areas: areasStore(prisma),
    communities: communitiesStore(prisma),
    close: () => prisma.$disconnect(),
  };
}

export type CommunitiesStore = ReturnType<typeof createCommunitiesStore>;
