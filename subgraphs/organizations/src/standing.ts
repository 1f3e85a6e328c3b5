import { GraphQLError } from 'graphql';
import type { Role, Viewer } from '../../../lib/kernel/auth';
import { defineWorkflow, requireText } from '../../../lib/kernel/workflow';
import type { CreditList } from './generated/prisma/enums';
import type { AnnualInspectionModel, ListEntryModel, PenaltyModel, StandingModel } from './models';

/**
 * An organisation's credit standing, judged from dated records alone. Records carry calendar
 * days, as chinanpo publishes them, so an instant is judged by its day in the city's zone: a
 * listing applies from its listedOn and no longer from its removedOn; a penalty from inForceFrom
 * to inForceUntil inclusive; an inspection once concluded.
 */

export type ListEntryState = 'LISTED' | 'REMOVED';

/** The platform's lists in the order the schema's CreditList enum gives them. */
export const CREDIT_LISTS: readonly CreditList[] = ['ABNORMAL_ACTIVITY', 'SERIOUS_VIOLATION'];

/** The authority that lists and removes: civil affairs of the district, or the city (jurisdiction checked by the caller). */
const AUTHORITY: readonly Role[] = ['DISTRICT_CIVIL_AFFAIRS', 'CITY_ADMIN'];

export interface RemovalStep {
  documentNumber?: string | null;
}

/**
 * A list entry's workflow: LISTED → REMOVED by the authority with the removal's document number;
 * REMOVED is final (a body listed again gets a new entry).
 */
export const listEntryWorkflow = defineWorkflow<ListEntryState, RemovalStep>('A list entry', [
  {
    from: 'LISTED',
    to: 'REMOVED',
    roles: AUTHORITY,
    requires: (input) => requireText('input.documentNumber', 'The removal document number')(input.documentNumber),
  },
]);

/** The entry's state now, whatever day it is read for: a recorded removal is final. */
export function recordedState(entry: Pick<ListEntryModel, 'removedOn'>): ListEntryState {
  return entry.removedOn === null ? 'LISTED' : 'REMOVED';
}

/** The entry's state on `day`: LISTED from listedOn until the day before removedOn. */
export function stateOn(entry: Pick<ListEntryModel, 'removedOn'>, day: string): ListEntryState {
  return entry.removedOn === null || day < entry.removedOn ? 'LISTED' : 'REMOVED';
}

/**
 * The removal step for this viewer, refused with its rule named: INVALID_TRANSITION
 * (LISTING_ALREADY_REMOVED) for an entry already removed, the workflow's own refusals otherwise.
 */
export function checkRemoval(viewer: Viewer, entry: Pick<ListEntryModel, 'id' | 'removedOn'>, step: RemovalStep): void {
  try {
    listEntryWorkflow.check(viewer, recordedState(entry), 'REMOVED', step);
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code === 'INVALID_TRANSITION') {
      throw new GraphQLError(`List entry ${entry.id} was already removed on ${entry.removedOn}; ${error.message}`, {
        extensions: { ...error.extensions, field: 'input.entryId', rule: 'LISTING_ALREADY_REMOVED' },
      });
    }
    throw error;
  }
}

export function listedOn(entry: Pick<ListEntryModel, 'listedOn' | 'removedOn'>, day: string): boolean {
  return entry.listedOn <= day && stateOn(entry, day) === 'LISTED';
}

export function penaltyInForce(penalty: Pick<PenaltyModel, 'inForceFrom' | 'inForceUntil'>, day: string): boolean {
  return penalty.inForceFrom <= day && day <= penalty.inForceUntil;
}

/** The standing on the day `asOf` falls on, from every record the organisation has. */
export function standingOn(
  asOf: Date,
  day: string,
  records: { entries: readonly ListEntryModel[]; penalties: readonly PenaltyModel[]; inspections: readonly AnnualInspectionModel[] },
): StandingModel {
  const listings = records.entries
    .filter((entry) => listedOn(entry, day))
    .sort((a, b) => a.listedOn.localeCompare(b.listedOn) || a.id.localeCompare(b.id))
    .map((entry) => ({ ...entry, viewedOn: day }));
  const penaltiesInForce = records.penalties
    .filter((penalty) => penaltyInForce(penalty, day))
    .sort((a, b) => b.decidedOn.localeCompare(a.decidedOn) || a.id.localeCompare(b.id));
  const concluded = records.inspections.filter((inspection) => inspection.concludedOn <= day);
  const latestInspection = concluded.reduce<AnnualInspectionModel | null>(
    (latest, inspection) => (latest === null || inspection.year > latest.year ? inspection : latest),
    null,
  );
  return { asOf, onDay: day, listings, penaltiesInForce, latestInspection };
}

/** The lists a standing is on, each once, in CreditList order. */
export function listsOf(standing: Pick<StandingModel, 'listings'>): CreditList[] {
  return CREDIT_LISTS.filter((list) => standing.listings.some((entry) => entry.list === list));
}
