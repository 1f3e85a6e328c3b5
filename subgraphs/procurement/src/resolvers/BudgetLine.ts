import { fromFen, money, toFen } from '../../../../lib/kernel/money';
import type { BudgetLineResolvers } from '../generated/graphql';

export const BudgetLine: BudgetLineResolvers = {
  agency: (line) => ({ id: line.agencyId }),
  area: (line) => ({ code: line.areaCode }),
  amount: (line) => money(line.amount),
  committed: (line) => money(line.committed),
  remaining: (line) => money(fromFen(toFen(line.amount) - toFen(line.committed))),
};
