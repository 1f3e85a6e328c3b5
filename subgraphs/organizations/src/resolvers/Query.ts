import { readPage, toConnection } from '../../../../lib/runtime/connections';
import type { QueryResolvers } from '../generated/graphql';
import { GRADE_VALUES } from '../rules';
import type { OrganizationFilter } from '../models';

export const Query: QueryResolvers = {
  organization: (_, { id }, { loaders }) => loaders.organization.load(id),

  organizationByCreditCode: (_, { code }, { loaders }) => loaders.organizationByCreditCode.load(code),

  organizations: async (_, { filter, first, after }, { store, loaders }) => {
    const page = readPage({ first, after }, ['text', 'uuid']);
    const criteria: OrganizationFilter = {
      kind: filter?.kind ?? undefined,
      status: filter?.status ?? undefined,
      category: filter?.category ?? undefined,
      servesArea: filter?.servesArea ?? undefined,
      minGrade: filter?.minGrade ? GRADE_VALUES[filter.minGrade] : undefined,
      nameContains: filter?.nameContains ?? undefined,
    };
    const rows = await store.organizations.page(criteria, page);
    // Later lookups of these organisations in the same request reuse the rows.
    for (const row of rows) loaders.organization.prime(row.id, row);
    return toConnection(
      rows,
      page,
      (organization) => [organization.name, organization.id],
      () => store.organizations.count(criteria),
    );
  },

  supplyByCategory: (_, { within }, { store }) => store.serviceAreas.supplyByCategory(within),
};
