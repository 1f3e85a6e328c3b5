import { forbidden } from '../../../../lib/kernel/errors';
import { toConnection } from '../../../../lib/runtime/connections';
import { actsFor } from '../access';
import type { OrganizationResolvers } from '../generated/graphql';
import { present } from '../loaders';
import { keyedPage, year } from '../rules';

export const Organization: OrganizationResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  bids: async (organization, args, { viewer, loaders }) => {
    if (!actsFor(viewer, organization.id)) throw forbidden("An organisation's bids are for its own admin.");
    const page = keyedPage(args, ['uuid', 'uuid']);
    const rows = present(await loaders.bid.loadMany(await loaders.organizationBidIds(page).load(organization.id)));
    return toConnection(
      rows,
      page,
      (bid) => [bid.id, bid.id],
      () => loaders.organizationBidCount.load(organization.id),
    );
  },
  contracts: async (organization, args, { loaders }) => {
    const page = keyedPage(args, ['date', 'uuid']);
    const rows = present(await loaders.contract.loadMany(await loaders.supplierContractIds(page).load(organization.id)));
    return toConnection(
      rows,
      page,
      (contract) => [contract.endsOn, contract.id],
      () => loaders.supplierContractCount.load(organization.id),
    );
  },
  contractPerformance: (organization, _, { loaders }) => loaders.supplierPerformance.load(organization.id),
  procurementRedFlags: (organization, args, { loaders }) => loaders.organizationRedFlags(year(args.year, 'year')).load(organization.id),
};
