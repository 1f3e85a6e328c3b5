import { randomUUID } from 'node:crypto';
import { notFound, ruleBroken } from '../../../../lib/kernel/errors';
import { fromFen, toFen, fromDecimalColumn } from '../../../../lib/kernel/money';
import type { Actor } from '../../../../lib/kernel/actor';
import { fromDateColumn, toDateColumn } from '../../../../lib/kernel/dates';
import { Prisma } from '../generated/prisma/client';
import type { ContractModel, MilestoneModel, PaymentModel, SupplementaryAgreementModel } from '../models';
import { audit, toContract, toMilestone, type StoreClient } from './client';

/** Money on a contract: payments within its value, supplementary agreements within a tenth of the original. */

/**
 * The paid total rises only while paid + amount stays within the value: PostgreSQL re-checks the
 * condition on the locked row, so two payments recorded at once can never together pass the value.
 */
const RAISE_PAID = (contractId: string, amount: string) => Prisma.sql`
  UPDATE procurement.contract SET paid = paid + ${amount}::numeric, version = version + 1
   WHERE id = ${contractId}::uuid AND status = 'ACTIVE' AND paid + ${amount}::numeric <= value`;

/** The same conditional UPDATE keeps all supplements together within 10% of the original value. */
const ADD_SUPPLEMENT = (contractId: string, amount: string) => Prisma.sql`
  UPDATE procurement.contract
     SET supplementary_total = supplementary_total + ${amount}::numeric, value = value + ${amount}::numeric, version = version + 1
   WHERE id = ${contractId}::uuid AND status IN ('PENDING', 'ACTIVE')
     AND (supplementary_total + ${amount}::numeric) * 10 <= original_value`;

export function paymentsStore(prisma: StoreClient) {
  return {
    async byContract(contractIds: readonly string[]): Promise<PaymentModel[]> {
      const rows = await prisma.payment.findMany({
        where: { contractId: { in: [...contractIds] } },
        orderBy: [{ contractId: 'asc' }, { paidOn: 'asc' }, { id: 'asc' }],
      });
      return rows.map((row) => ({
        id: row.id,
        contractId: row.contractId,
        milestoneId: row.milestoneId,
        amount: fromDecimalColumn(row.amount),
        paidOn: fromDateColumn(row.paidOn),
      }));
    },

    async supplementsByContract(contractIds: readonly string[]): Promise<SupplementaryAgreementModel[]> {
      const rows = await prisma.supplementaryAgreement.findMany({
        where: { contractId: { in: [...contractIds] } },
        orderBy: [{ contractId: 'asc' }, { signedOn: 'asc' }],
      });
      return rows.map((row) => ({ ...row, amount: fromDecimalColumn(row.amount), signedOn: fromDateColumn(row.signedOn) }));
    },

    async record(
      contractId: string,
      payment: { amount: string; paidOn: string; milestoneId: string | undefined },
      actor: Actor,
      check: (contract: ContractModel, milestone: MilestoneModel | null) => void,
    ): Promise<{ payment: PaymentModel; contract: ContractModel }> {
      return prisma.$transaction(async (tx) => {
        const before = await tx.contract.findUnique({ where: { id: contractId } });
        if (!before) throw notFound(`No contract ${contractId}.`);
        const milestone = payment.milestoneId ? await tx.milestone.findUnique({ where: { id: payment.milestoneId } }) : null;
        check(toContract(before), milestone ? toMilestone(milestone) : null);
        const raised = await tx.$executeRaw(RAISE_PAID(contractId, payment.amount));
        if (raised !== 1) {
          const now = toContract(await tx.contract.findUniqueOrThrow({ where: { id: contractId } }));
          if (now.status !== 'ACTIVE')
            throw ruleBroken('PAY_ACTIVE_CONTRACTS', `Contract ${contractId} is ${now.status}; payments are made on active contracts.`);
          throw ruleBroken(
            'PAYMENTS_WITHIN_VALUE',
            `Paying ${payment.amount} would exceed the contract value ${now.value} (paid so far ${now.paid}).`,
            'input.amount',
          );
        }
        const row = await tx.payment.create({
          data: {
            id: randomUUID(),
            contractId,
            milestoneId: payment.milestoneId ?? null,
            amount: payment.amount,
            paidOn: toDateColumn(payment.paidOn),
          },
        });
        await audit(tx, 'Payment', row.id, 'RECORD', actor, { contractId, amount: payment.amount });
        return {
          payment: {
            id: row.id,
            contractId,
            milestoneId: row.milestoneId,
            amount: fromDecimalColumn(row.amount),
            paidOn: fromDateColumn(row.paidOn),
          },
          contract: toContract(await tx.contract.findUniqueOrThrow({ where: { id: contractId } })),
        };
      });
    },

    async addSupplement(
      contractId: string,
      amount: string,
      reason: string,
      today: string,
      actor: Actor,
      check: (contract: ContractModel) => void,
    ): Promise<{ agreement: SupplementaryAgreementModel; contract: ContractModel }> {
      return prisma.$transaction(async (tx) => {
        const before = await tx.contract.findUnique({ where: { id: contractId } });
        if (!before) throw notFound(`No contract ${contractId}.`);
        check(toContract(before));
        const raised = await tx.$executeRaw(ADD_SUPPLEMENT(contractId, amount));
        if (raised !== 1) {
          const now = toContract(await tx.contract.findUniqueOrThrow({ where: { id: contractId } }));
          const cap = toFen(now.originalValue) / 10n;
          throw ruleBroken(
            'SUPPLEMENTS_AT_MOST_TEN_PERCENT',
            `Supplementary agreements may add at most 10% of the original value in total (${fromFen(cap)}); ${now.supplementaryTotal} is already added.`,
            'input.amount',
          );
        }
        const row = await tx.supplementaryAgreement.create({
          data: { id: randomUUID(), contractId, amount, reason, signedOn: toDateColumn(today) },
        });
        await audit(tx, 'SupplementaryAgreement', row.id, 'ADD', actor, { contractId, amount }, reason);
        return {
          agreement: { ...row, amount: fromDecimalColumn(row.amount), signedOn: fromDateColumn(row.signedOn) },
          contract: toContract(await tx.contract.findUniqueOrThrow({ where: { id: contractId } })),
        };
      });
    },
  };
}
