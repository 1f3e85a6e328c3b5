import type { ObjectionResolvers } from '../generated/graphql';

export const Objection: ObjectionResolvers = {
  objector: (objection) => ({ id: objection.organizationId }),
};
