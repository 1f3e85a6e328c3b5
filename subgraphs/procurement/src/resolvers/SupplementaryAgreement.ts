import { money } from '../../../../lib/kernel/money';
import type { SupplementaryAgreementResolvers } from '../generated/graphql';

export const SupplementaryAgreement: SupplementaryAgreementResolvers = {
  amount: (agreement) => money(agreement.amount),
};
