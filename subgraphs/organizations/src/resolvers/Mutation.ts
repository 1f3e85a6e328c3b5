import { actorOf } from '../../../../lib/kernel/actor';
import { requireJurisdiction } from '../../../../lib/kernel/auth';
import { conflict, forbidden, notFound, unauthenticated } from '../../../../lib/kernel/errors';
import { requireVersion } from '../../../../lib/kernel/versions';
import { AUTHORITY_ROLES, isAuthority, isOwnAdmin, requireAuthority, requireOwnAdmin } from '../access';
import type { MutationResolvers } from '../generated/graphql';
import type { Context } from '../context';
import type { OrganizationModel } from '../models';
import {
  changesRegisteredParticulars,
  validateGrade,
  validateNewOrganization,
  validateProfileChanges,
  validateReason,
  validateReport,
  checkReportYear,
  validateInspection,
  validateListing,
  validatePenalty,
  validateRemoval,
} from '../rules';
import { checkRemoval } from '../standing';
import { organizationStatus } from '../workflow';

async function existing(id: string, { loaders }: Context, field: string): Promise<OrganizationModel> {
  const organization = await loaders.organization.load(id);
  if (!organization) throw notFound(`No organisation ${id} is registered (${field}).`);
  return organization;
}

function refreshed(context: Context, organization: OrganizationModel): OrganizationModel {
  context.loaders.organization.clear(organization.id).prime(organization.id, organization);
  return organization;
}

/** A deregistered organisation's record is closed: nothing about it changes any more. */
function notDeregistered(organization: OrganizationModel): void {
  if (organization.status === 'DEREGISTERED') {
    throw conflict(`Organisation ${organization.id} is deregistered; its record is closed.`);
  }
}

export const Mutation: MutationResolvers = {
  registerOrganization: async (_, { input }, context) => {
    const { viewer, store, requestId } = context;
    const actor = actorOf(
      requireJurisdiction(viewer, AUTHORITY_ROLES, input.registrationAreaCode, 'Registering an organisation'),
      requestId,
    );
    const organization = await store.organizations.register(validateNewOrganization(input, store.today()), actor);
    return { organization: refreshed(context, organization) };
  },

  updateOrganizationProfile: async (_, { input }, context) => {
    const { viewer, store, loaders, requestId } = context;
    const current = await existing(input.id, context, 'input.id');
    const authority = isAuthority(viewer, current);
    if (!authority && !isOwnAdmin(viewer, current)) {
      if (viewer.anonymous) throw unauthenticated('Sign in to update an organisation.');
      throw forbidden(`Organisation ${current.id}'s profile is updated by its own admin or its registering authority.`);
    }
    const changes = validateProfileChanges(input, store.today());
    if (changesRegisteredParticulars(changes) && !authority) {
      throw forbidden('The name and legal representative are registered particulars: the registering authority changes them.');
    }
    const organization = await store.organizations.updateProfile(
      current.id,
      changes,
      requireVersion(input.expectedVersion),
      notDeregistered,
      input.reason?.trim() || undefined,
      actorOf(viewer, requestId),
    );
    if (changes.serviceAreaCodes) loaders.serviceAreaCodes.clear(current.id);
    return { organization: refreshed(context, organization) };
  },

  changeOrganizationStatus: async (_, { input }, context) => {
    const { viewer, store, loaders, requestId } = context;
    const current = await existing(input.id, context, 'input.id');
    const actor = actorOf(requireAuthority(viewer, current, "Changing an organisation's status"), requestId);
    const reason = validateReason(input.reason);
    const { organization, change } = await store.statusChanges.change(
      current.id,
      input.to,
      reason,
      requireVersion(input.expectedVersion),
      (row) => void organizationStatus.check(viewer, row.status, input.to, { reason }),
      actor,
    );
    loaders.statusHistory.clear(current.id);
    return { organization: refreshed(context, organization), change: { ...change, registrationArea: organization.registrationArea } };
  },

  recordEvaluationGrade: async (_, { input }, context) => {
    const { viewer, store, requestId } = context;
    const current = await existing(input.organizationId, context, 'input.organizationId');
    const actor = actorOf(requireAuthority(viewer, current, 'Recording an evaluation grade'), requestId);
    const record = validateGrade(input, current, store.today());
    const organization = await store.evaluations.record(
      current.id,
      record,
      requireVersion(input.expectedVersion),
      (row) => {
        if (row.status !== 'ACTIVE') throw conflict(`Organisation ${row.id} is ${row.status}; only active organisations are graded.`);
      },
      actor,
    );
    return { organization: refreshed(context, organization) };
  },

  fileAnnualReport: async (_, { input }, context) => {
    const { viewer, store, loaders, requestId } = context;
    const organization = await existing(input.organizationId, context, 'input.organizationId');
    const actor = actorOf(requireOwnAdmin(viewer, organization, 'Filing an annual report'), requestId);
    const { year, figures } = validateReport(input, organization, store.today());
    const report = await store.annualReports.file(organization.id, year, figures, actor);
    loaders.annualReports.clear(organization.id);
    return { organization, report };
  },

  lockAnnualReport: async (_, { input }, context) => {
    const { viewer, store, loaders, requestId } = context;
    const organization = await existing(input.organizationId, context, 'input.organizationId');
    const actor = actorOf(requireAuthority(viewer, organization, 'Locking an annual report'), requestId);
    const year = checkReportYear(input.year, organization, store.today());
    const report = await store.annualReports.lock(organization.id, year, actor);
    loaders.annualReports.clear(organization.id);
    return { organization, report };
  },

  recordListing: async (_, { input }, context) => {
    const { viewer, store, loaders, requestId } = context;
    const organization = await existing(input.organizationId, context, 'input.organizationId');
    const actor = actorOf(requireAuthority(viewer, organization, 'Recording a listing'), requestId);
    const listing = validateListing(input, store.today());
    const entry = await store.listEntries.recordListing(organization.id, listing, actor);
    loaders.listEntries.clear(organization.id);
    loaders.listEntry.clear(entry.id).prime(entry.id, entry);
    return { organization, entry };
  },

  recordRemoval: async (_, { input }, context) => {
    const { viewer, store, loaders, requestId } = context;
    const found = await loaders.listEntry.load(input.entryId);
    if (!found) throw notFound(`No list entry ${input.entryId} is recorded (input.entryId).`);
    const organization = await existing(found.organizationId, context, 'input.entryId');
    const actor = actorOf(requireAuthority(viewer, organization, "Recording a listing's removal"), requestId);
    // The listing day never changes, so the dates are judged here; the state machine is judged
    // on the row the transaction reads, so that of two removals at once only one is recorded.
    const entry = await store.listEntries.recordRemoval(
      found.id,
      input.expectedVersion,
      validateRemoval(input, found, store.today()),
      (row) => checkRemoval(viewer, row, { documentNumber: input.documentNumber }),
      actor,
    );
    loaders.listEntries.clear(organization.id);
    loaders.listEntry.clear(entry.id).prime(entry.id, entry);
    return { organization, entry };
  },

  recordPenalty: async (_, { input }, context) => {
    const { viewer, store, loaders, requestId } = context;
    const organization = await existing(input.organizationId, context, 'input.organizationId');
    const actor = actorOf(requireAuthority(viewer, organization, 'Recording a penalty'), requestId);
    const penalty = await store.penalties.record(organization.id, validatePenalty(input, store.today()), actor);
    loaders.penalties.clear(organization.id);
    return { organization, penalty };
  },

  recordAnnualInspection: async (_, { input }, context) => {
    const { viewer, store, loaders, requestId } = context;
    const organization = await existing(input.organizationId, context, 'input.organizationId');
    const actor = actorOf(requireAuthority(viewer, organization, 'Recording an annual inspection'), requestId);
    const inspection = await store.annualInspections.record(
      organization.id,
      validateInspection(input, organization, store.today()),
      input.expectedVersion ?? undefined,
      actor,
    );
    loaders.annualInspections.clear(organization.id);
    return { organization, inspection };
  },
};
