import type { EvaluationResolvers } from '../generated/graphql';
import { gradeName } from '../rules';

export const Evaluation: EvaluationResolvers = {
  grade: (evaluation) => gradeName(evaluation.grade),
  current: (evaluation, _, { store }) => evaluation.validUntil >= store.today(),
};
