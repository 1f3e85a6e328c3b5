import { writeAudit, type AuditEvent } from '../../../../lib/runtime/db';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import type { Actor } from '../../../../lib/kernel/actor';

/** The request-scoped Prisma client every aggregate module is given (lib/runtime/db/scope.ts). */
export type StoreClient = PrismaClient;
export type Transaction = Prisma.TransactionClient;

export const AREA_COLUMNS = { code: true, name: true, level: true, parentCode: true, officialCode: true } as const;

/** Every write leaves one audit row in its own transaction. */
export async function audit(tx: Transaction, event: AuditEvent, actor: Actor) {
  await writeAudit(tx.auditEvent, event, actor);
}
