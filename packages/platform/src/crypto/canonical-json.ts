// The one canonical JSON of the platform, for anything that is hashed: a request's
// idempotency fingerprint, a prediction's features. Canonical (RFC 8785 style for these
// values): object keys sorted by UTF-16 code units, no whitespace, numbers and strings as
// JSON.stringify writes them (the shortest representation that round-trips, which
// ECMAScript fixes exactly), so equal values give equal text on every machine and Node
// version, whatever order their keys were built in.

export type CanonicalJsonValue =
  | null
  | boolean
  | number
  | string
  | readonly CanonicalJsonValue[]
  | { readonly [key: string]: CanonicalJsonValue | undefined };

/**
 * Undefined object members are left out, as JSON.stringify does, so an absent option hashes
 * as omitted. NaN and ±Infinity are refused: JSON has no spelling for them, and
 * JSON.stringify's null would make two different inputs collide.
 */
export function canonicalJson(value: CanonicalJsonValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`canonical JSON has no spelling for the number ${value}`);
    return JSON.stringify(value);
  }
  // Loops and one growing string, not map/join: a predictor run serialises tens of thousands
  // of small objects, where the intermediate arrays cost more than the text.
  if (isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index += 1) text += (index === 0 ? '' : ',') + canonicalJson(value[index]!);
    return `${text}]`;
  }
  let text = '{';
  for (const key of Object.keys(value).sort()) {
    const member = value[key];
    if (member === undefined) continue;
    text += `${text.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `${text}}`;
}

// Array.isArray does not narrow a readonly array type out of a union.
function isArray(value: CanonicalJsonValue): value is readonly CanonicalJsonValue[] {
  return Array.isArray(value);
}
