import type { Actor } from '../../kernel/actor';

/** One change as an audit trail records it. */
export interface AuditEvent {
  entityType: string;
  entityId: string;
  action: string;
  reason?: string;
  before?: object;
  after?: object;
}

/** The audit table's row: the event, who acted and for which request, states as JSON. */
interface AuditRow {
  entityType: string;
  entityId: string;
  action: string;
  actor: string;
  reason?: string;
  requestId: string;
  before?: object;
  after?: object;
}

/** The audit table's Prisma delegate, as far as writing one row goes. */
interface AuditTable {
  create(args: { data: AuditRow }): PromiseLike<unknown>;
}

/**
 * Writes one row of the common audit table (`audit_event`: entity, action, actor, reason,
 * request, the record before and after) in the caller's transaction, so the change and its
 * record commit or roll back together. Subgraphs whose trail records workflow states keep their
 * own table and writer.
 */
export async function writeAudit(table: AuditTable, event: AuditEvent, actor: Pick<Actor, 'id' | 'requestId'>): Promise<void> {
  await table.create({
    data: {
      entityType: event.entityType,
      entityId: event.entityId,
      action: event.action,
      actor: actor.id,
      reason: event.reason,
      requestId: actor.requestId,
      before: event.before,
      after: event.after,
    },
  });
}
