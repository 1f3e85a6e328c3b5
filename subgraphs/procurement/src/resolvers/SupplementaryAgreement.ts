import { money } from '../../../../lib/money';
import type { SupplementaryAgreementResolvers } from '../generated/graphql';

export const SupplementaryAgreement: SupplementaryAgreementResolvers = {
  amount: (agreement) => money(agreement.amount),
};
