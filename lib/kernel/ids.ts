import { ruleBroken } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID: ids that are not are refused or never looked up. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** An id in an input: a UUID, lowercased; anything else is refused naming its field. */
export function requireUuid(value: string, field: string): string {
  if (!isUuid(value)) throw ruleBroken('NOT_AN_ID', `${JSON.stringify(value.slice(0, 40))} is not an id (a UUID).`, field);
  return value.toLowerCase();
}
