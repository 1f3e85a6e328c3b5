import { money } from '../../../../lib/kernel/money';
import type { AnnualReportResolvers } from '../generated/graphql';

export const AnnualReport: AnnualReportResolvers = {
  totalIncome: (report) => money(report.totalIncome),
  governmentPurchaseIncome: (report) => money(report.governmentPurchaseIncome),
  expenditure: (report) => money(report.expenditure),
  locked: (report) => report.lockedAt !== null,
};
