import type { InspectionResolvers } from '../generated/graphql';
import { areaShortBy } from '../rules';

export const Inspection: InspectionResolvers = {
  areaShortBy: (inspection) => areaShortBy(inspection.plannedArea, inspection.measuredArea),
  signatures: (inspection, _, { loaders }) => loaders.inspectionSignatures.load(inspection.id),
};
