import type { ClearanceReasonResolvers } from '../generated/graphql';

export const ClearanceReason: ClearanceReasonResolvers = {
  premises: (reason, _, { loaders }) => (reason.premisesId ? loaders.premises.load(reason.premisesId) : null),
};
