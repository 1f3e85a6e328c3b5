import { randomUUID } from 'node:crypto';
import { codesWithPrefix, significantPrefix } from '../../../../lib/kernel/auth';
import { isUniqueViolation } from '../../../../lib/runtime/db';
import { conflict } from '../../../../lib/kernel/errors';
import type { Actor } from '../../../../lib/kernel/actor';
import { isUuid } from '../../../../lib/kernel/ids';
import { fromDecimalColumn } from '../../../../lib/kernel/money';
import type { Prisma } from '../generated/prisma/client';
import type { BudgetLineModel, CatalogueItemModel } from '../models';
import { audit, type StoreClient } from './client';

/** The guiding catalogue of purchasable services, and the agencies' budget lines projects draw on. */

function toBudgetLine(row: Prisma.BudgetLineGetPayload<object>): BudgetLineModel {
  return { ...row, amount: fromDecimalColumn(row.amount), committed: fromDecimalColumn(row.committed) };
}

export function budgetLinesStore(prisma: StoreClient) {
  return {
    async catalogue(): Promise<CatalogueItemModel[]> {
      return (await prisma.catalogueItem.findMany({ orderBy: { code: 'asc' } })) as CatalogueItemModel[];
    },

    async catalogueItems(codes: readonly string[]): Promise<CatalogueItemModel[]> {
      return (await prisma.catalogueItem.findMany({ where: { code: { in: [...codes] } } })) as CatalogueItemModel[];
    },

    async byId(ids: readonly string[]): Promise<BudgetLineModel[]> {
      return (await prisma.budgetLine.findMany({ where: { id: { in: ids.filter(isUuid) } } })).map(toBudgetLine);
    },

    /** The lines of a year within an area, by area then name. */
    async within(within: string, year: number): Promise<BudgetLineModel[]> {
      const rows = await prisma.budgetLine.findMany({
        where: { areaCode: codesWithPrefix(significantPrefix(within)), year },
        orderBy: [{ areaCode: 'asc' }, { name: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toBudgetLine);
    },

    async addCatalogueItem(item: CatalogueItemModel, actor: Actor): Promise<CatalogueItemModel> {
      try {
        return await prisma.$transaction(async (tx) => {
          const created = await tx.catalogueItem.create({ data: item });
          await audit(tx, 'CatalogueItem', item.code, 'ADD', actor, item);
          return created as CatalogueItemModel;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`Catalogue item ${item.code} exists already.`, { field: 'input.code' });
        throw error;
      }
    },

    async create(line: Omit<BudgetLineModel, 'id' | 'committed'>, actor: Actor): Promise<BudgetLineModel> {
      return prisma.$transaction(async (tx) => {
        const row = await tx.budgetLine.create({ data: { ...line, id: randomUUID() } });
        await audit(tx, 'BudgetLine', row.id, 'CREATE', actor, line);
        return toBudgetLine(row);
      });
    },
  };
}
