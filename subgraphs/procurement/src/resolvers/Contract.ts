import { money } from '../../../../lib/kernel/money';
import { actsFor, isReader, requireReaderOrOwn } from '../access';
import type { ContractResolvers } from '../generated/graphql';

export const Contract: ContractResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.contract.load(reference.id),
  project: async (contract, _, { loaders }) => (await loaders.project.load(contract.projectId))!,
  supplier: (contract) => ({ id: contract.supplierId }),
  purchaser: (contract) => ({ id: contract.purchaserId }),
  area: (contract) => ({ code: contract.areaCode }),
  originalValue: (contract) => money(contract.originalValue),
  value: (contract) => money(contract.value),
  milestones: (contract, _, { loaders }) => loaders.contractMilestones.load(contract.id),
  paid: (contract, _, { viewer }) => {
    requireReaderOrOwn(viewer, contract.areaCode, contract.supplierId, "A contract's payments");
    return money(contract.paid);
  },
  payments: (contract, _, { viewer, loaders }) => {
    requireReaderOrOwn(viewer, contract.areaCode, contract.supplierId, "A contract's payments");
    return loaders.contractPayments.load(contract.id);
  },
  supplementaryAgreements: (contract, _, { loaders }) => loaders.contractSupplements.load(contract.id),
  /** Public once completed; while assigned, for officers of the area and the evaluator itself. */
  evaluation: async (contract, _, { viewer, loaders }) => {
    const evaluation = await loaders.contractEvaluation.load(contract.id);
    if (!evaluation || evaluation.status === 'COMPLETED') return evaluation;
    return isReader(viewer, contract.areaCode) || actsFor(viewer, evaluation.evaluatorId, 'EVALUATOR') ? evaluation : null;
  },
};
