const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID: ids that are not are refused or never looked up. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
