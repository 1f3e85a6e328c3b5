import type { PerformanceEvaluationResolvers } from '../generated/graphql';

export const PerformanceEvaluation: PerformanceEvaluationResolvers = {
  contract: async (evaluation, _, { loaders }) => (await loaders.contract.load(evaluation.contractId))!,
  evaluator: (evaluation) => ({ id: evaluation.evaluatorId }),
};
