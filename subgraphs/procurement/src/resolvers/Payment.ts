import { money } from '../../../../lib/kernel/money';
import type { PaymentResolvers } from '../generated/graphql';

export const Payment: PaymentResolvers = {
  amount: (payment) => money(payment.amount),
  milestone: (payment, _, { loaders }) => (payment.milestoneId ? loaders.milestone.load(payment.milestoneId) : null),
};
