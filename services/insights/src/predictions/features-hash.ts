import { hash } from 'node:crypto';

// What a prediction was computed from, fixed by a hash: a ledger row keeps the hash so anyone
// can recompute the prediction from the recorded features and see they are the ones used.
// The JSON is canonical (RFC 8785 style for these values): object keys sorted by UTF-16 code
// units, no whitespace, numbers and strings as JSON.stringify writes them (the shortest
// representation that round-trips, which ECMAScript fixes exactly), so equal inputs hash
// equal on every machine and Node version, whatever order their keys were built in.

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue | undefined };

/** Undefined object members are left out, as JSON.stringify does, so an absent option hashes as omitted. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    // JSON has no NaN or Infinity; JSON.stringify would write null and two inputs would collide.
    if (!Number.isFinite(value)) throw new RangeError(`cannot hash the non-finite number ${value}`);
    return JSON.stringify(value);
  }
  if (isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const members = Object.keys(value)
    .sort()
    .flatMap((key) => {
      const member = value[key];
      return member === undefined ? [] : [`${JSON.stringify(key)}:${canonicalJson(member)}`];
    });
  return `{${members.join(',')}}`;
}

/** sha256 of the canonical JSON, as 64 lower-case hex digits. */
export function featuresHash(features: JsonValue): string {
  // The one-shot hash: a refresh hashes tens of thousands of rows, and a Hash object per row
  // cost about twice as much for the same digest.
  return hash('sha256', canonicalJson(features), 'hex');
}

// Array.isArray does not narrow a readonly array type out of a union.
function isArray(value: JsonValue): value is readonly JsonValue[] {
  return Array.isArray(value);
}
