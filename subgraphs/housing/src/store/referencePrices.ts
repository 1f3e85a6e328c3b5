import type { Actor } from '../../../../lib/kernel/actor';
import { conflict } from '../../../../lib/kernel/errors';
import { fromDecimalColumn } from '../../../../lib/kernel/money';
import type { Page } from '../../../../lib/runtime/connections';
import { isUniqueViolation } from '../../../../lib/runtime/db';
import type { Prisma } from '../generated/prisma/client';
import type { PriceType, PriceZone } from '../generated/prisma/enums';
import type { NewReferencePrice, ReferencePriceModel } from '../models';
import { audit, type StoreClient } from './client';

// Enums sort in their declared order; a cursor's "after" is the values declared later.
const PRICE_TYPES: PriceType[] = ['COMMERCIAL', 'RESIDENTIAL'];
const PRICE_ZONES: PriceZone[] = ['CITY_WIDE', 'MAIN_URBAN'];
function later<T>(values: T[], value: unknown): T[] {
  const at = values.indexOf(value as T);
  return at < 0 ? [] : values.slice(at + 1);
}

/** A city's prices after the cursor's (year, type, zone): latest year first, then the enums' order. */
function afterPrice(city: string, after: (string | number)[]): Prisma.ReferencePriceWhereInput {
  return {
    city,
    OR: [
      { year: { lt: Number(after[0]) } },
      { year: Number(after[0]), priceType: { in: later(PRICE_TYPES, after[1]) } },
      { year: Number(after[0]), priceType: String(after[1]) as PriceType, zone: { in: later(PRICE_ZONES, after[2]) } },
    ],
  };
}

function toReferencePrice(row: Prisma.ReferencePriceGetPayload<object>): ReferencePriceModel {
  return {
    city: row.city,
    year: row.year,
    priceType: row.priceType,
    zone: row.zone,
    unitPrice: fromDecimalColumn(row.unitPrice),
    sourceDocument: row.sourceDocument,
    publishedAt: row.publishedAt,
  };
}

export function referencePricesStore(db: StoreClient) {
  return {
    async page(city: string, page: Page<(string | number)[]>): Promise<ReferencePriceModel[]> {
      const rows = await db.referencePrice.findMany({
        where: page.after ? afterPrice(city, page.after) : { city },
        orderBy: [{ year: 'desc' }, { priceType: 'asc' }, { zone: 'asc' }],
        take: page.first + 1,
      });
      return rows.map(toReferencePrice);
    },

    count: (city: string) => db.referencePrice.count({ where: { city } }),

    async find(city: string, year: number, priceType: PriceType, zone: PriceZone): Promise<ReferencePriceModel | null> {
      const row = await db.referencePrice.findUnique({ where: { city_year_priceType_zone: { city, year, priceType, zone } } });
      return row ? toReferencePrice(row) : null;
    },

    async publish(price: NewReferencePrice, actor: Actor): Promise<ReferencePriceModel> {
      try {
        return await db.$transaction(async (tx) => {
          const row = await tx.referencePrice.create({ data: { ...price, publishedBy: actor.id } });
          await audit(
            tx,
            {
              entityType: 'ReferencePrice',
              entityId: `${price.city}/${price.year}/${price.priceType}/${price.zone}`,
              communityCode: price.city,
              action: 'PUBLISH',
              detail: { ...price },
            },
            actor,
          );
          return toReferencePrice(row);
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw conflict(`A ${price.year} ${price.priceType} ${price.zone} reference price is already published for ${price.city}.`, {
            field: 'input.year',
          });
        }
        throw error;
      }
    },
  };
}
