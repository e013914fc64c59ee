import { hash } from 'node:crypto';
import { canonicalJson, type CanonicalJsonValue } from '@causeloop/platform/crypto';

// What a prediction was computed from, fixed by a hash: a ledger row keeps the hash so anyone
// can recompute the prediction from the recorded features and see they are the ones used.
// The hashed text is the platform's canonical JSON, so equal features hash equal on every
// machine and Node version, whatever order their keys were built in.

export type JsonValue = CanonicalJsonValue;
export { canonicalJson };

/** sha256 of the canonical JSON text, as 64 lower-case hex digits. */
export function sha256Hex(canonicalText: string): string {
  // The one-shot hash: a refresh hashes tens of thousands of rows, and a Hash object per row
  // cost about twice as much for the same digest.
  return hash('sha256', canonicalText, 'hex');
}

/** sha256 of the canonical JSON, as 64 lower-case hex digits. */
export function featuresHash(features: JsonValue): string {
  return sha256Hex(canonicalJson(features));
}
