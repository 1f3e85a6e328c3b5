import { money } from '../../../../lib/kernel/money';
import type { LeaseResolvers } from '../generated/graphql';

export const Lease: LeaseResolvers = {
  community: (lease) => ({ code: lease.communityCode }),
  monthlyRent: (lease) => money(lease.monthlyRent),
};
