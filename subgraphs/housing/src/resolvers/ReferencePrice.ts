import { money } from '../../../../lib/money';
import type { ReferencePriceResolvers } from '../generated/graphql';

export const ReferencePrice: ReferencePriceResolvers = {
  unitPrice: (price) => money(price.unitPrice),
};
