import type { Actor } from '../../../../lib/kernel/actor';
import { conflict } from '../../../../lib/kernel/errors';
import { isUuid } from '../../../../lib/kernel/ids';
import type { Prisma } from '../generated/prisma/client';
import type { BuybackChange, BuybackModel, PremisesModel } from '../models';
import { toBuyback, write, type StoreClient } from './client';
import { advance, readPremises } from './premises';

export function buybacksStore(db: StoreClient) {
  return {
    async ofPremises(premisesIds: readonly string[]): Promise<BuybackModel[]> {
      return (await db.buyback.findMany({ where: { premisesId: { in: premisesIds.filter(isUuid) } } })).map(toBuyback);
    },

    /**
     * Values, approves or pays a buyback: `decide` checks the premises and the buyback read in
     * the transaction and returns the buyback row to write; the premises' version is bumped too,
     * so a concurrent step on the same premises conflicts.
     */
    async step(
      id: string,
      expectedVersion: number,
      decide: (premises: PremisesModel, buyback: BuybackModel | null) => BuybackChange,
      actor: Actor,
    ): Promise<PremisesModel> {
      return write(
        db,
        async (tx) => {
          const current = await tx.buyback.findUnique({ where: { premisesId: id } });
          const before = await readPremises(tx, id, undefined);
          const buyback = current ? toBuyback(current) : null;
          if (buyback && buyback.version !== expectedVersion) {
            throw conflict(`The buyback of premises ${id} changed since (now version ${buyback.version}); reload and retry.`, {
              field: 'input.expectedVersion',
            });
          }
          if (!buyback && before.version !== expectedVersion) {
            throw conflict(`Premises ${id} changed since (now version ${before.version}); reload and retry.`, {
              field: 'input.expectedVersion',
            });
          }
          const step = decide(before, buyback);
          if (buyback) {
            const { count } = await tx.buyback.updateMany({
              where: { premisesId: id, version: buyback.version },
              data: { ...step.data, state: step.state, version: { increment: 1 } },
            });
            if (count !== 1)
              throw conflict(`The buyback of premises ${id} was changed meanwhile; reload and retry.`, { field: 'input.expectedVersion' });
          } else {
            await tx.buyback.create({ data: { ...(step.data as Prisma.BuybackUncheckedCreateInput), premisesId: id, state: step.state } });
          }
          return advance(
            tx,
            before,
            {
              to: before.state,
              action: step.action,
              reason: step.reason,
              detail: { buyback: { from: step.from, to: step.state, ...step.data } },
            },
            actor,
          );
        },
        `The buyback of premises ${id} was valued meanwhile; reload.`,
      );
    },
  };
}
