import { money } from '../../../../lib/money';
import type { LeaseResolvers } from '../generated/graphql';

export const Lease: LeaseResolvers = {
  community: (lease) => ({ code: lease.communityCode }),
  monthlyRent: (lease) => money(lease.monthlyRent),
};
