import { isUniqueViolation } from '../../../../lib/runtime/db';
import { conflict } from '../../../../lib/kernel/errors';
import { codesWithPrefix, significantPrefix } from '../../../../lib/kernel/auth';
import { fromDateColumn } from '../../../../lib/kernel/dates';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import type { Actor, BuybackModel } from '../models';

/** The request-scoped Prisma client every aggregate module is given (lib/runtime/db/scope.ts). */
export type StoreClient = PrismaClient;
export type Transaction = Prisma.TransactionClient;

export const decimal = (value: Prisma.Decimal): string => value.toFixed(2);

/** A buyback row as the model: premises steps read it as well as the buyback's own. */
export function toBuyback(row: Prisma.BuybackGetPayload<object>): BuybackModel {
  return {
    ...row,
    unitPrice: decimal(row.unitPrice),
    area: decimal(row.area),
    amount: decimal(row.amount),
    valuedOn: fromDateColumn(row.valuedOn),
    paidOn: fromDateColumn(row.paidOn),
  };
}

/** Today in the city's time zone, YYYY-MM-DD. */
export function todayIn(timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
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

/** Every write leaves one audit row in its own transaction: who, in which role, for which request. */
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
      actorRole: actor.role,
      actorOrg: actor.org,
      reason: event.reason,
      detail: event.detail as Prisma.InputJsonObject | undefined,
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
