import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../../../lib/runtime/db';
import { conflict } from '../../../../lib/kernel/errors';
import { fromDateColumn, toDateColumn } from '../../../../lib/kernel/dates';
import type { Actor } from '../../../../lib/kernel/actor';
import { isUuid } from '../../../../lib/kernel/ids';
import type { Prisma } from '../generated/prisma/client';
import type { NewPenalty, PenaltyModel } from '../models';
import { audit, type StoreClient } from './client';

function toPenalty(row: Prisma.PenaltyGetPayload<object>): PenaltyModel {
  return {
    id: row.id,
    organizationId: row.organizationId,
    decidedOn: fromDateColumn(row.decidedOn),
    authority: row.authority,
    documentNumber: row.documentNumber,
    kind: row.kind,
    penalty: row.penalty,
    reason: row.reason,
    inForceFrom: fromDateColumn(row.inForceFrom),
    inForceUntil: fromDateColumn(row.inForceUntil),
  };
}

/** Administrative penalty decisions (行政处罚), newest decision first; recorded once, never changed. */
export function penaltiesStore(db: StoreClient) {
  return {
    async ofOrganizations(ids: readonly string[]): Promise<PenaltyModel[]> {
      const rows = await db.penalty.findMany({
        where: { organizationId: { in: ids.filter(isUuid) } },
        orderBy: [{ organizationId: 'asc' }, { decidedOn: 'desc' }, { id: 'asc' }],
      });
      return rows.map(toPenalty);
    },

    /** Records a penalty decision; the same authority's document number is recorded once (PENALTY_ALREADY_RECORDED). */
    async record(organizationId: string, penalty: NewPenalty, actor: Actor): Promise<PenaltyModel> {
      try {
        return await db.$transaction(async (tx) => {
          const created = await tx.penalty.create({
            data: {
              id: randomUUID(),
              organizationId,
              ...penalty,
              decidedOn: toDateColumn(penalty.decidedOn),
              inForceFrom: toDateColumn(penalty.inForceFrom),
              inForceUntil: toDateColumn(penalty.inForceUntil),
              recordedBy: actor.id,
            },
          });
          await audit(
            tx,
            {
              entityType: 'Penalty',
              entityId: created.id,
              action: 'RECORD_PENALTY',
              reason: penalty.reason,
              after: { organizationId, ...penalty },
            },
            actor,
          );
          return toPenalty(created);
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw conflict(`${penalty.authority} decision ${penalty.documentNumber} is already recorded.`, {
            field: 'input.documentNumber',
            rule: 'PENALTY_ALREADY_RECORDED',
          });
        }
        throw error;
      }
    },
  };
}
