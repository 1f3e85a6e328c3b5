import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../../../lib/runtime/db';
import { conflict, notFound } from '../../../../lib/kernel/errors';
import type { Actor } from '../../../../lib/kernel/actor';
import { isUuid } from '../../../../lib/kernel/ids';
import type { Prisma } from '../generated/prisma/client';
import type { PerformanceGrade } from '../generated/graphql';
import type { ContractModel, PartySnapshot, PerformanceEvaluationModel } from '../models';
import { audit, type StoreClient } from './client';

/** A contract's performance evaluation by a third party: assigned once, completed once. */

function toEvaluation(row: Prisma.PerformanceEvaluationGetPayload<object>): PerformanceEvaluationModel {
  return {
    id: row.id,
    contractId: row.contractId,
    supplierId: row.supplierId,
    evaluatorId: row.evaluatorId,
    evaluatorName: row.evaluatorName,
    status: row.status,
    scores: row.scores as { indicator: string; score: number }[],
    residentSatisfaction: row.satisfaction ? Number(row.satisfaction) : null,
    overallScore: row.overallScore ? Number(row.overallScore) : null,
    grade: row.grade as PerformanceGrade | null,
    completedAt: row.completedAt,
  };
}

export function evaluationsStore(prisma: StoreClient) {
  return {
    async byId(ids: readonly string[]): Promise<PerformanceEvaluationModel[]> {
      return (await prisma.performanceEvaluation.findMany({ where: { id: { in: ids.filter(isUuid) } } })).map(toEvaluation);
    },

    async byContract(contractIds: readonly string[]): Promise<PerformanceEvaluationModel[]> {
      return (await prisma.performanceEvaluation.findMany({ where: { contractId: { in: [...contractIds] } } })).map(toEvaluation);
    },

    /** A supplier's completed evaluations, the latest first. */
    async completedBySupplier(supplierIds: readonly string[]): Promise<PerformanceEvaluationModel[]> {
      const rows = await prisma.performanceEvaluation.findMany({
        where: { supplierId: { in: supplierIds.filter(isUuid) }, status: 'COMPLETED' },
        orderBy: [{ supplierId: 'asc' }, { completedAt: 'desc' }],
      });
      return rows.map(toEvaluation);
    },

    async assign(contract: ContractModel, evaluator: PartySnapshot, actor: Actor): Promise<PerformanceEvaluationModel> {
      try {
        return await prisma.$transaction(async (tx) => {
          const row = await tx.performanceEvaluation.create({
            data: {
              id: randomUUID(),
              contractId: contract.id,
              supplierId: contract.supplierId,
              evaluatorId: evaluator.id,
              evaluatorName: evaluator.name,
            },
          });
          await audit(tx, 'PerformanceEvaluation', row.id, 'ASSIGN', actor, { contractId: contract.id, evaluatorId: evaluator.id });
          return toEvaluation(row);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`Contract ${contract.id} already has an evaluator.`, { field: 'input.contractId' });
        throw error;
      }
    },

    async submit(
      id: string,
      result: { scores: { indicator: string; score: number }[]; satisfaction: number; overall: number; grade: PerformanceGrade },
      actor: Actor,
      check: (evaluation: PerformanceEvaluationModel) => void,
    ): Promise<PerformanceEvaluationModel> {
      return prisma.$transaction(async (tx) => {
        const current = await tx.performanceEvaluation.findUnique({ where: { id } });
        if (!current) throw notFound(`No evaluation ${id}.`);
        check(toEvaluation(current));
        const { count } = await tx.performanceEvaluation.updateMany({
          where: { id, status: 'ASSIGNED', version: current.version },
          data: {
            status: 'COMPLETED',
            scores: result.scores,
            satisfaction: result.satisfaction,
            overallScore: result.overall,
            grade: result.grade,
            completedAt: new Date(),
            version: { increment: 1 },
          },
        });
        if (count !== 1) throw conflict(`Evaluation ${id} is already completed.`);
        await audit(tx, 'PerformanceEvaluation', id, 'COMPLETE', actor, result);
        return toEvaluation(await tx.performanceEvaluation.findUniqueOrThrow({ where: { id } }));
      });
    },
  };
}
