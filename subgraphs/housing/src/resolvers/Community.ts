import { actsWithin } from '../../../../lib/kernel/auth';
import { forbidden, unauthenticated } from '../../../../lib/kernel/errors';
import { readPage, toConnection } from '../../../../lib/runtime/connections';
import { LEASE_ROLES } from '../access';
import type { CommunityResolvers } from '../generated/graphql';
import type { LeaseModel, PremisesModel } from '../models';
import { asksTotalCount, checkCursor } from '../rules';

const found = <T>(rows: (T | null | Error)[]): T[] => rows.filter((row): row is T => row !== null && !(row instanceof Error));

export const Community: CommunityResolvers = {
  __resolveReference: (reference) => ({ code: reference.code, households: (reference as { households?: number }).households }),

  /** Batched across every community in the request: one statement for the pages, one for the counts. */
  premises: async (community, { first, after }, { loaders }, info) => {
    const page = readPage({ first, after }, ['text', 'int', 'text', 'uuid']);
    const count = asksTotalCount(info) ? loaders.premisesCountOfCommunity.load(community.code) : undefined;
    const rows = found<PremisesModel>(await loaders.premises.loadMany(await loaders.premisesIdsOfCommunity(page).load(community.code)));
    return toConnection(
      rows,
      page,
      (p) => [p.building, p.floor, p.unit, p.id],
      () => count ?? loaders.premisesCountOfCommunity.load(community.code),
    );
  },

  leases: async (community, { first, after }, { viewer, loaders }, info) => {
    if (viewer.anonymous) throw unauthenticated("Sign in to see a community's leases.");
    if (!actsWithin(viewer, LEASE_ROLES, community.code))
      throw forbidden(`Leases of ${community.code} are for officers whose jurisdiction covers it.`);
    const page = readPage({ first, after }, ['text', 'uuid']);
    checkCursor(page.after, ['date', null]);
    const count = asksTotalCount(info) ? loaders.leaseCountOfCommunity.load(community.code) : undefined;
    const rows = found<LeaseModel>(await loaders.lease.loadMany(await loaders.leaseIdsOfCommunity(page).load(community.code)));
    return toConnection(
      rows,
      page,
      (l) => [l.endsOn, l.id],
      () => count ?? loaders.leaseCountOfCommunity.load(community.code),
    );
  },

  /** Households come from the communities subgraph through @requires. */
  premisesCompliance: (community, _, { loaders }) =>
    community.households === undefined ? null : loaders.compliance.load({ code: community.code, households: community.households }),
};
