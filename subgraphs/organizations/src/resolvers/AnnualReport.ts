import type { AnnualReportResolvers } from '../generated/graphql';

const yuan = (amount: string) => ({ amount, currency: 'CNY' });

export const AnnualReport: AnnualReportResolvers = {
  totalIncome: (report) => yuan(report.totalIncome),
  governmentPurchaseIncome: (report) => yuan(report.governmentPurchaseIncome),
  expenditure: (report) => yuan(report.expenditure),
  locked: (report) => report.lockedAt !== null,
};
