import { toDateColumn } from '../../../../lib/kernel/dates';
import type { Actor } from '../../../../lib/kernel/actor';
import type { GradeRecord, OrganizationModel, TransitionCheck } from '../models';
import { audit, changeOrganization, type StoreClient } from './client';

/** An organisation's evaluation grade (社会组织评估), kept on its row with the days it is valid. */
export function evaluationsStore(db: StoreClient) {
  return {
    async record(
      id: string,
      record: GradeRecord,
      expectedVersion: number,
      check: TransitionCheck,
      actor: Actor,
    ): Promise<OrganizationModel> {
      return db.$transaction(async (tx) => {
        const { before, after } = await changeOrganization(tx, id, expectedVersion, check, {
          grade: record.grade,
          gradeAwardedOn: toDateColumn(record.awardedOn),
          gradeValidUntil: toDateColumn(record.validUntil),
        });
        await audit(
          tx,
          {
            entityType: 'Organization',
            entityId: id,
            action: 'RECORD_GRADE',
            before: { grade: before.grade, awardedOn: before.gradeAwardedOn, validUntil: before.gradeValidUntil },
            after: { ...record },
          },
          actor,
        );
        return after;
      });
    },
  };
}
