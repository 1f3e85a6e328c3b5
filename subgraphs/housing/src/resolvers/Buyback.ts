import { money } from '../../../../lib/kernel/money';
import type { BuybackResolvers } from '../generated/graphql';
import { buyback } from '../workflow';

export const Buyback: BuybackResolvers = {
  nextStates: (row) => buyback.next(row.state).filter((state) => state !== 'NOT_VALUED'),
  unitPrice: (row) => money(row.unitPrice),
  amount: (row) => money(row.amount),
};
