import { money } from '../../../../lib/kernel/money';
import type { ProcurementStatisticsRowResolvers } from '../generated/graphql';

export const ProcurementStatisticsRow: ProcurementStatisticsRowResolvers = {
  amount: (row) => money(row.amount),
};
