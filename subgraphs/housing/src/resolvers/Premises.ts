import type { PremisesResolvers } from '../generated/graphql';
import { handover } from '../workflow';

export const Premises: PremisesResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.premises.load(reference.id),
  development: async (premises, _, { loaders }) => (await loaders.development.load(premises.developmentId))!,
  nextStates: (premises) => handover.next(premises.state),
  signOffs: (premises, _, { loaders }) => loaders.signOffs.load(premises.id),
  inspections: (premises, _, { loaders }) => loaders.inspections.load(premises.id),
  titleTransfer: (premises) =>
    premises.titleCertificate && premises.titleTransferredOn
      ? { certificateNumber: premises.titleCertificate, transferredOn: premises.titleTransferredOn }
      : null,
  buyback: (premises, _, { loaders }) => loaders.buyback.load(premises.id),
  auditTrail: (premises, _, { loaders }) => loaders.auditTrail.load(premises.id),
};
