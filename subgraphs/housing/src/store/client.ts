import type { Actor } from '../../../../lib/kernel/actor';
import { codesWithPrefix, significantPrefix } from '../../../../lib/kernel/auth';
import { fromDateColumn } from '../../../../lib/kernel/dates';
import { conflict } from '../../../../lib/kernel/errors';
import { fromDecimalColumn } from '../../../../lib/kernel/money';
import { isUniqueViolation } from '../../../../lib/runtime/db';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import type { BuybackModel } from '../models';

/** The request-scoped Prisma client every aggregate module is given (lib/runtime/db/scope.ts). */
export type StoreClient = PrismaClient;
export type Transaction = Prisma.TransactionClient;

/** A buyback row as the model: premises steps read it as well as the buyback's own. */
export function toBuyback(row: Prisma.BuybackGetPayload<object>): BuybackModel {
  return {
    ...row,
    unitPrice: fromDecimalColumn(row.unitPrice),
    area: fromDecimalColumn(row.area),
    amount: fromDecimalColumn(row.amount),
    valuedOn: fromDateColumn(row.valuedOn),
    paidOn: fromDateColumn(row.paidOn),
  };
}

/** Rows whose code lies under the area: a range on the indexed code column. */
export function under(within: string) {
  return codesWithPrefix(significantPrefix(within));
}

export interface AuditEvent {
  entityType: string;
  entityId: string;
  communityCode: string;
  action: string;
  from?: string;
  to?: string;
  reason?: string;
  detail?: object;
}

/**
 * Every write leaves one audit row in its own transaction: who, in which role, for which request.
 * The trail records workflow states, so it is this subgraph's own table, not lib's audit_event.
 */
export async function audit(tx: Transaction, event: AuditEvent, actor: Actor) {
  await tx.auditEvent.create({
    data: {
      entityType: event.entityType,
      entityId: event.entityId,
      communityCode: event.communityCode,
      action: event.action,
      fromState: event.from,
      toState: event.to,
      actor: actor.id,
      // Each housing step is taken in one role (actorOf's actingAs): the table has one role column.
      actorRole: actor.roles[0]!,
      actorOrg: actor.org,
      reason: event.reason,
      detail: event.detail,
      requestId: actor.requestId,
    },
  });
}

/** Runs a premises write in one transaction; a duplicate row from a racing writer is a CONFLICT. */
export async function write<T>(db: StoreClient, work: (tx: Transaction) => Promise<T>, duplicate: string): Promise<T> {
  try {
    return await db.$transaction(work);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(duplicate, { field: 'input.expectedVersion' });
    throw error;
  }
}
