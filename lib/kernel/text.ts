import { ruleBroken } from './errors';

/**
 * Free text as every subgraph takes it: trimmed, not blank when required, at most `max`
 * characters, without control characters (NUL among them: PostgreSQL refuses it in text).
 * Each refusal names the input field and the rule it broke.
 */

const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Required text; `what` names it in the message ("The name"). */
export function requiredText(value: string, field: string, max: number, what = 'This text'): string {
  const trimmed = value.trim();
  if (trimmed === '') throw ruleBroken('REQUIRED_TEXT', `${what} must not be empty.`, field);
  return checked(trimmed, field, max, what);
}

/** Text that may be left out: absent, null or blank is null. */
export function optionalText(value: string | null | undefined, field: string, max: number, what = 'This text'): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : checked(trimmed, field, max, what);
}

/** A change to optional text: absent keeps the value (undefined), null or blank clears it (null). */
export function textChange(value: string | null | undefined, field: string, max: number, what = 'This text'): string | null | undefined {
  return value === undefined ? undefined : optionalText(value, field, max, what);
}

function checked(trimmed: string, field: string, max: number, what: string): string {
  if (trimmed.length > max) throw ruleBroken('TEXT_TOO_LONG', `${what} must be at most ${max} characters.`, field);
  if (CONTROL_CHARACTERS.test(trimmed)) throw ruleBroken('CONTROL_CHARACTERS', `${what} must not contain control characters.`, field);
  return trimmed;
}
