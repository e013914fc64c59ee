import { createHash } from 'node:crypto';
import { toJson, type DescMessage, type Message } from '@bufbuild/protobuf';
import { encodeAssociatedData } from '../crypto/associated-data.js';
import { canonicalJson } from '../crypto/canonical-json.js';
import { CauseloopError } from '../errors/causeloop-error.js';

/** The HTTP header (IETF httpapi idempotency-key draft) and the gRPC metadata the gateway forwards. */
export const idempotencyKeyHeader = 'idempotency-key';
/** `<HTTP method> <route template>`, e.g. `POST /v1/api-tokens`: what the key is scoped to besides the principal. */
export const idempotencyScopeHeader = 'idempotency-scope';
/** Hex SHA-256 of the canonical request, so a backend can refuse a key presented with another request. */
export const idempotencyFingerprintHeader = 'idempotency-fingerprint';

/** How long a completed key replays its answer (DESIGN §7: keys expire after 24 h). */
export const idempotencyKeyLifetimeMs = 24 * 60 * 60 * 1000;

// 1–255 visible ASCII characters (RFC 5234 VCHAR): what the draft's examples and Stripe
// accept. Anything else (spaces, control or non-ASCII characters) is refused rather than
// normalised, so two spellings can never name one key.
const wellFormedKey = /^[\x21-\x7e]{1,255}$/;

/** The client's key, checked; throws `invalid_argument` (400) when malformed. */
export function parseIdempotencyKey(value: string | readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new CauseloopError('invalid_argument', 'send one Idempotency-Key header, not several');
  if (!wellFormedKey.test(value)) {
    throw new CauseloopError('invalid_argument', 'Idempotency-Key must be 1 to 255 visible ASCII characters');
  }
  return value;
}

/**
 * Where a key is stored: SHA-256 over who sent it, what it was sent to, and the key, each
 * length-prefixed. Two principals (or two routes) using the same key never meet, and the
 * table never holds the key itself.
 */
export function deriveIdempotencyKeyId(parts: { readonly subjectId: string; readonly scope: string; readonly key: string }): Buffer {
  return createHash('sha256')
    .update(encodeAssociatedData(['causeloop/idempotency-key/v1', parts.subjectId, parts.scope, parts.key]))
    .digest();
}

/**
 * SHA-256 of the request as the RPC sees it: its proto3 JSON form with object keys sorted.
 * Path parameters, query and body all land in the message, and spelling differences
 * (camelCase or snake_case names, key order, whitespace) do not change it.
 */
export function fingerprintRequest(schema: DescMessage, message: Message): Buffer {
  return createHash('sha256').update(canonicalJson(toJson(schema, message, { useProtoFieldName: true }))).digest();
}
