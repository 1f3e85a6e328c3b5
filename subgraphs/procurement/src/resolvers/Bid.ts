import { forbidden } from '../../../../lib/kernel/errors';
import { money } from '../../../../lib/kernel/money';
import { actsFor, requireReaderOrOwn } from '../access';
import type { Context } from '../context';
import type { BidResolvers } from '../generated/graphql';

/** Sealed bids: before the deadline only the bidder's own admin sees price and proposal. */
async function unsealed<T>(bid: { tenderId: string; organizationId: string }, { viewer, loaders }: Context, value: T): Promise<T> {
  if (actsFor(viewer, bid.organizationId)) return value;
  const tender = (await loaders.tender.load(bid.tenderId))!;
  if (new Date() < tender.closesAt) throw forbidden(`Bids are sealed until the tender closes at ${tender.closesAt.toISOString()}.`);
  requireReaderOrOwn(viewer, tender.areaCode, bid.organizationId, "A bid's price and proposal");
  return value;
}

export const Bid: BidResolvers = {
  tender: async (bid, _, { loaders }) => (await loaders.tender.load(bid.tenderId))!,
  bidder: (bid) => ({ id: bid.organizationId }),
  price: (bid, _, context) => unsealed(bid, context, money(bid.price)),
  proposal: (bid, _, context) => unsealed(bid, context, bid.proposal),
  withdrawn: (bid) => bid.withdrawnAt !== null,
  score: (bid) => bid.score,
};
