import { money } from '../../../../lib/kernel/money';
import type { ReferencePriceResolvers } from '../generated/graphql';

export const ReferencePrice: ReferencePriceResolvers = {
  unitPrice: (price) => money(price.unitPrice),
};
