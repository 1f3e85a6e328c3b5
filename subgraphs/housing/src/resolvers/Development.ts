import type { DevelopmentResolvers } from '../generated/graphql';

export const Development: DevelopmentResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.development.load(reference.id),
  developer: (development) => ({ id: development.developerId }),
  community: (development) => ({ code: development.communityCode }),
  premises: (development, _, { loaders }) => loaders.premisesOfDevelopment.load(development.id),
};
