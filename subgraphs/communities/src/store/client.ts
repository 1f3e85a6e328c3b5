import type { Prisma, PrismaClient } from '../generated/prisma/client';
import type { Actor } from '../models';

/** The request-scoped Prisma client every aggregate module is given (lib/db/scope.ts). */
export type StoreClient = PrismaClient;
export type Transaction = Prisma.TransactionClient;

export const AREA_COLUMNS = { code: true, name: true, level: true, parentCode: true, officialCode: true } as const;

export interface AuditEvent {
  entityType: string;
  entityId: string;
  action: string;
  reason?: string;
  before?: object;
  after?: object;
}

/** Every write leaves one audit row in its own transaction. */
export async function audit(tx: Transaction, event: AuditEvent, actor: Actor) {
  await tx.auditEvent.create({
    data: {
      entityType: event.entityType,
      entityId: event.entityId,
      action: event.action,
      actor: actor.id,
      reason: event.reason,
      requestId: actor.requestId,
      before: event.before as Prisma.InputJsonObject | undefined,
      after: event.after as Prisma.InputJsonObject | undefined,
    },
  });
}
