const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a value from outside (a URL's id, a setting) is a UUID, checked before it goes into a uuid column. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
