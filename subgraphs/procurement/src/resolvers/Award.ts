import { addDays } from '../../../../lib/kernel/dates';
import { money } from '../../../../lib/kernel/money';
import type { AwardResolvers } from '../generated/graphql';
import { SIGN_WITHIN_DAYS } from '../rules';

export const Award: AwardResolvers = {
  bid: async ({ tender }, _, { loaders }) => (await loaders.bid.load(tender.awardedBidId!))!,
  supplier: async ({ tender }, _, { loaders }) => ({ id: (await loaders.bid.load(tender.awardedBidId!))!.organizationId }),
  amount: ({ tender }) => money(tender.awardAmount!),
  noticeDate: ({ tender }) => tender.awardNoticeDate!,
  decidedAt: ({ tender }) => tender.awardedAt!,
  objectionDeadline: ({ tender }) => tender.objectionDeadline!,
  signBy: ({ tender }) => addDays(tender.awardNoticeDate!, SIGN_WITHIN_DAYS),
};
