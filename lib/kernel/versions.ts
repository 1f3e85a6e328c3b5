import { badInput } from './errors';

/**
 * The version a caller read, required on every update and state change of a versioned record:
 * without it a change made meanwhile by someone else (an officer in another portal) would be
 * silently overwritten; with it the store refuses a stale one with CONFLICT. The SDL keeps such
 * fields nullable for one release (a nullable→required input change breaks callers: the schema
 * check's deprecate-first process), so null is refused here, at run time, naming the field.
 */
export function requireVersion(value: number | null | undefined, field = 'input.expectedVersion'): number {
  if (value === undefined || value === null) {
    throw badInput(
      field,
      `${field} is required: pass the version you read, so that a change made meanwhile is refused with CONFLICT instead of overwritten.`,
    );
  }
  if (!Number.isInteger(value) || value < 1) throw badInput(field, `${field} is a version read from the record: a whole number from 1.`);
  return value;
}
