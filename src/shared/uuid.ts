/** UUIDs as rdhooks accepts them in manifests and writes them into files. */

/** 8-4-4-4-12 hex digits, either case; RD's uuids are version 4 but any variant is accepted. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a UUID. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
