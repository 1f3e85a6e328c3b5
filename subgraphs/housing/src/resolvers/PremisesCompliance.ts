import type { PremisesComplianceResolvers } from '../generated/graphql';

export const PremisesCompliance: PremisesComplianceResolvers = {
  community: (compliance) => ({ code: compliance.communityCode }),
  compliant: (compliance) => compliance.shortfall === '0.00',
};
