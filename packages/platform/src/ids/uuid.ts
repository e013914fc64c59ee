const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && uuidPattern.test(value);
}

/**
 * The one spelling of a UUID (lower case, as PostgreSQL prints it), or undefined when the
 * value is not one. Anything a UUID is bound into (AAD, cache keys) uses this, so one
 * workspace has one binding however a caller spells its id.
 */
export function canonicalUuid(value: string): string | undefined {
  return isUuid(value) ? value.toLowerCase() : undefined;
}
