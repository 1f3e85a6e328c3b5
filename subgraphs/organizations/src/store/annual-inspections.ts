import { isUniqueViolation } from '../../../../lib/runtime/db';
import { conflict } from '../../../../lib/kernel/errors';
import { fromDateColumn, toDateColumn } from '../../../../lib/kernel/dates';
import type { Actor } from '../../../../lib/kernel/actor';
import { isUuid } from '../../../../lib/kernel/ids';
import type { Prisma } from '../generated/prisma/client';
import type { AnnualInspectionModel, NewInspection } from '../models';
import { audit, type StoreClient } from './client';

function toInspection(row: Prisma.AnnualInspectionGetPayload<object>): AnnualInspectionModel {
  return {
    organizationId: row.organizationId,
    year: row.year,
    result: row.result,
    concludedOn: fromDateColumn(row.concludedOn),
    authority: row.authority,
    version: row.version,
  };
}

/** The registering authority's annual inspection (年检) results, newest year first. */
export function annualInspectionsStore(db: StoreClient) {
  return {
    async ofOrganizations(ids: readonly string[]): Promise<AnnualInspectionModel[]> {
      const rows = await db.annualInspection.findMany({
        where: { organizationId: { in: ids.filter(isUuid) } },
        orderBy: [{ organizationId: 'asc' }, { year: 'desc' }],
      });
      return rows.map(toInspection);
    },

    /**
     * Records a year's inspection result, or corrects it: a year already recorded needs the
     * expected version (INSPECTION_ALREADY_RECORDED without it), a first record must not claim one.
     */
    async record(
      organizationId: string,
      inspection: NewInspection,
      expectedVersion: number | undefined,
      actor: Actor,
    ): Promise<AnnualInspectionModel> {
      const key = { organizationId_year: { organizationId, year: inspection.year } };
      const data = {
        result: inspection.result,
        concludedOn: toDateColumn(inspection.concludedOn),
        authority: inspection.authority,
        recordedBy: actor.id,
      };
      try {
        return await db.$transaction(async (tx) => {
          const existing = await tx.annualInspection.findUnique({ where: key });
          if (existing && expectedVersion === undefined) {
            throw conflict(
              `The ${inspection.year} inspection of ${organizationId} is already recorded (version ${existing.version}); pass expectedVersion to correct it.`,
              {
                field: 'input.expectedVersion',
                rule: 'INSPECTION_ALREADY_RECORDED',
                currentVersion: existing.version,
              },
            );
          }
          if (!existing && expectedVersion !== undefined) {
            throw conflict(`No ${inspection.year} inspection of ${organizationId} is recorded yet; leave out expectedVersion.`, {
              field: 'input.expectedVersion',
              rule: 'EXPECTED_VERSION',
            });
          }
          if (existing) {
            const { count } = await tx.annualInspection.updateMany({
              where: { organizationId, year: inspection.year, version: expectedVersion },
              data: { ...data, recordedAt: new Date(), version: { increment: 1 } },
            });
            if (count !== 1) {
              throw conflict(
                `The ${inspection.year} inspection was changed by someone else (now version ${existing.version}); reload and retry.`,
                {
                  field: 'input.expectedVersion',
                  rule: 'EXPECTED_VERSION',
                  currentVersion: existing.version,
                },
              );
            }
          } else {
            await tx.annualInspection.create({ data: { organizationId, year: inspection.year, ...data } });
          }
          const recorded = toInspection(await tx.annualInspection.findUniqueOrThrow({ where: key }));
          await audit(
            tx,
            {
              entityType: 'AnnualInspection',
              entityId: `${organizationId}/${inspection.year}`,
              action: existing ? 'CORRECT_INSPECTION' : 'RECORD_INSPECTION',
              before: existing ? toInspection(existing) : undefined,
              after: { ...inspection },
            },
            actor,
          );
          return recorded;
        });
      } catch (error) {
        // Two first records of the same year at once: the second finds the first's row.
        if (isUniqueViolation(error)) {
          throw conflict(`The ${inspection.year} inspection was recorded meanwhile; reload and retry.`, {
            field: 'input.year',
            rule: 'INSPECTION_ALREADY_RECORDED',
          });
        }
        throw error;
      }
    },
  };
}
