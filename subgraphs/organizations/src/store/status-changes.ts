import type { Actor } from '../../../../lib/kernel/actor';
import { isUuid } from '../../../../lib/kernel/ids';
import type { Prisma } from '../generated/prisma/client';
import type { OrganizationStatus } from '../generated/prisma/enums';
import type { OrganizationModel, StatusChangeModel, TransitionCheck } from '../models';
import { actorColumns, audit, changeOrganization, type StoreClient } from './client';

function toStatusChange(row: Prisma.StatusChangeGetPayload<object>): StatusChangeModel {
  return {
    organizationId: row.organizationId,
    from: row.fromStatus,
    to: row.toStatus,
    reason: row.reason,
    actor: row.actor,
    actorRoles: row.actorRoles,
    actorOrganizationId: row.actorOrg,
    at: row.at,
  };
}

/** An organisation's status and its history, oldest change first. */
export function statusChangesStore(db: StoreClient) {
  return {
    async ofOrganizations(ids: readonly string[]): Promise<StatusChangeModel[]> {
      const rows = await db.statusChange.findMany({
        where: { organizationId: { in: ids.filter(isUuid) } },
        orderBy: [{ organizationId: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toStatusChange);
    },

    /** Moves the organisation to `to` if `check` allows it, with a status-history row and an audit event. */
    async change(
      id: string,
      to: OrganizationStatus,
      reason: string,
      expectedVersion: number,
      check: TransitionCheck,
      actor: Actor,
    ): Promise<{ organization: OrganizationModel; change: StatusChangeModel }> {
      return db.$transaction(async (tx) => {
        const { before, after } = await changeOrganization(tx, id, expectedVersion, check, { status: to });
        const change = await tx.statusChange.create({
          data: { organizationId: id, fromStatus: before.status, toStatus: to, reason, ...actorColumns(actor) },
        });
        await audit(
          tx,
          {
            entityType: 'Organization',
            entityId: id,
            action: 'CHANGE_STATUS',
            reason,
            before: { status: before.status },
            after: { status: to },
          },
          actor,
        );
        return { organization: after, change: toStatusChange(change) };
      });
    },
  };
}
