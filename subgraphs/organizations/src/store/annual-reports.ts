import { isUniqueViolation } from '../../../../lib/runtime/db';
import { conflict, notFound } from '../../../../lib/kernel/errors';
import type { Actor } from '../../../../lib/kernel/actor';
import { isUuid } from '../../../../lib/kernel/ids';
import { fromDecimalColumn } from '../../../../lib/kernel/money';
import type { Prisma } from '../generated/prisma/client';
import type { AnnualReportModel, ReportFigures } from '../models';
import { audit, type StoreClient } from './client';

function toReport(row: Prisma.AnnualReportGetPayload<object>): AnnualReportModel {
  return {
    organizationId: row.organizationId,
    year: row.year,
    totalIncome: fromDecimalColumn(row.totalIncome),
    governmentPurchaseIncome: fromDecimalColumn(row.governmentPurchaseIncome),
    expenditure: fromDecimalColumn(row.expenditure),
    lockedAt: row.lockedAt,
    filedAt: row.filedAt,
    updatedAt: row.updatedAt,
  };
}

const changedMeanwhile = (year: number) =>
  conflict(`The ${year} annual report was changed meanwhile; reload and retry.`, { field: 'input.year' });

/** The yearly reports an organisation files, newest year first; the registering authority locks them. */
export function annualReportsStore(db: StoreClient) {
  return {
    async ofOrganizations(ids: readonly string[]): Promise<AnnualReportModel[]> {
      const rows = await db.annualReport.findMany({
        where: { organizationId: { in: ids.filter(isUuid) } },
        orderBy: [{ organizationId: 'asc' }, { year: 'desc' }],
      });
      return rows.map(toReport);
    },

    /** Files the year's report, or corrects it while it is unlocked. */
    async file(organizationId: string, year: number, figures: ReportFigures, actor: Actor): Promise<AnnualReportModel> {
      try {
        return await db.$transaction(async (tx) => {
          const key = { organizationId_year: { organizationId, year } };
          const existing = await tx.annualReport.findUnique({ where: key });
          if (existing?.lockedAt) {
            throw conflict(`The ${year} annual report is locked by the registering authority and can no longer be corrected.`, {
              field: 'input.year',
            });
          }
          if (existing) {
            // The lock is checked again in the update: a lock recorded since the read wins.
            const { count } = await tx.annualReport.updateMany({
              where: { organizationId, year, version: existing.version, lockedAt: null },
              data: { ...figures, filedBy: actor.id, updatedAt: new Date(), version: { increment: 1 } },
            });
            if (count !== 1) throw changedMeanwhile(year);
          } else {
            await tx.annualReport.create({ data: { organizationId, year, ...figures, filedBy: actor.id } });
          }
          const report = await tx.annualReport.findUniqueOrThrow({ where: key });
          await audit(
            tx,
            {
              entityType: 'AnnualReport',
              entityId: `${organizationId}/${year}`,
              action: existing ? 'CORRECT' : 'FILE',
              before: existing ? toReport(existing) : undefined,
              after: { ...figures },
            },
            actor,
          );
          return toReport(report);
        });
      } catch (error) {
        // Two first filings for the same year at once: the second finds the first's row.
        if (isUniqueViolation(error))
          throw conflict(`The ${year} annual report was filed meanwhile; reload and retry.`, { field: 'input.year' });
        throw error;
      }
    },

    async lock(organizationId: string, year: number, actor: Actor): Promise<AnnualReportModel> {
      return db.$transaction(async (tx) => {
        const key = { organizationId_year: { organizationId, year } };
        const existing = await tx.annualReport.findUnique({ where: key });
        if (!existing) throw notFound(`Organisation ${organizationId} has filed no ${year} annual report.`);
        if (existing.lockedAt) throw conflict(`The ${year} annual report is already locked.`, { field: 'input.year' });
        const { count } = await tx.annualReport.updateMany({
          where: { organizationId, year, version: existing.version },
          data: { lockedAt: new Date(), lockedBy: actor.id, version: { increment: 1 } },
        });
        if (count !== 1) throw changedMeanwhile(year);
        const report = await tx.annualReport.findUniqueOrThrow({ where: key });
        await audit(tx, { entityType: 'AnnualReport', entityId: `${organizationId}/${year}`, action: 'LOCK' }, actor);
        return toReport(report);
      });
    },
  };
}
