import { readPage, toConnection } from '../../../../lib/runtime/connections';
import type { OrganizationResolvers } from '../generated/graphql';
import type { DevelopmentModel } from '../models';
import { asksTotalCount } from '../rules';

export const Organization: OrganizationResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),

  /** Batched across every organisation in the request: one statement for the pages, one for the counts. */
  developments: async (organization, { first, after }, { loaders }, info) => {
    const page = readPage({ first, after }, ['text', 'uuid']);
    const count = asksTotalCount(info) ? loaders.developmentCountOfDeveloper.load(organization.id) : undefined;
    const ids = await loaders.developmentIdsOfDeveloper(page).load(organization.id);
    const rows = (await loaders.development.loadMany(ids)).filter(
      (row): row is DevelopmentModel => row !== null && !(row instanceof Error),
    );
    return toConnection(
      rows,
      page,
      (d) => [d.name, d.id],
      () => count ?? loaders.developmentCountOfDeveloper.load(organization.id),
    );
  },
};
