import type { OrganizationResolvers } from '../generated/graphql';
import { facilitiesBy } from './facilities-by';

export const Organization: OrganizationResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  facilities: (organization, args, context) => facilitiesBy('unit_id', organization.id, args, context),
};
