import type { OrganizationResolvers } from '../generated/graphql';
import { requirePrivateReader } from '../access';
import { standingOn } from '../standing';

export const Organization: OrganizationResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.organization.load(reference.id),

  registrationAreaCode: (organization) => organization.registrationArea,

  registrationArea: (organization) => ({ code: organization.registrationArea }),

  statusHistory: async (organization, _, { loaders }) =>
    (await loaders.statusHistory.load(organization.id)).map((change) => ({ ...change, registrationArea: organization.registrationArea })),

  contact: (organization, _, { viewer }) => {
    requirePrivateReader(viewer, organization, 'contact details');
    return { phone: organization.contactPhone, email: organization.contactEmail, address: organization.contactAddress };
  },

  serviceAreaCodes: async (organization, _, { loaders }) =>
    (await loaders.serviceAreaCodes.load(organization.id)).map((area) => area.areaCode),

  serviceAreas: async (organization, _, { loaders }) =>
    (await loaders.serviceAreaCodes.load(organization.id)).map((area) => ({ code: area.areaCode })),

  evaluation: (organization) =>
    organization.grade !== null && organization.gradeAwardedOn !== null && organization.gradeValidUntil !== null
      ? { grade: organization.grade, awardedOn: organization.gradeAwardedOn, validUntil: organization.gradeValidUntil }
      : null,

  incubation: (organization) =>
    organization.incubator !== null && organization.incubatedSince !== null
      ? { incubator: organization.incubator, since: organization.incubatedSince }
      : null,

  annualReports: (organization, _, { viewer, loaders }) => {
    requirePrivateReader(viewer, organization, 'annual reports');
    return loaders.annualReports.load(organization.id);
  },

  // Public: the credit platform publishes every record with its authority and document number.
  // Each of the three loaders is one statement for every organisation in the request.
  standing: async (organization, { asOf }, { store, loaders }) => {
    const instant = asOf ?? new Date();
    const [entries, penalties, inspections] = await Promise.all([
      loaders.listEntries.load(organization.id),
      loaders.penalties.load(organization.id),
      loaders.annualInspections.load(organization.id),
    ]);
    return standingOn(instant, store.dayOf(instant), { entries, penalties, inspections });
  },

  listEntries: (organization, _, { loaders }) => loaders.listEntries.load(organization.id),

  penalties: (organization, _, { loaders }) => loaders.penalties.load(organization.id),

  annualInspections: (organization, _, { loaders }) => loaders.annualInspections.load(organization.id),
};
