import { stringScalar } from '../../../lib/graphql/scalars';
import { creditCodeShapeProblem } from './credit-code';

/** The shape only: the check character and kind are checked by the rules, which name the expected character. */
export const CreditCode = stringScalar(
  'CreditCode',
  'A Unified Social Credit Code (统一社会信用代码, GB 32100-2015): 18 characters from 0123456789ABCDEFGHJKLMNPQRTUWXY.',
  creditCodeShapeProblem,
);
