export {
  deriveIdempotencyKeyId,
  fingerprintRequest,
  idempotencyFingerprintHeader,
  idempotencyKeyHeader,
  idempotencyKeyLifetimeMs,
  idempotencyScopeHeader,
  parseIdempotencyKey,
} from './idempotency-key.js';
export {
  claimIdempotencyKey,
  completeIdempotencyKey,
  reapIdempotencyKeys,
  recordIdempotentAnswer,
  releaseIdempotencyKey,
  type ClaimOutcome,
  type ClaimRequest,
  type CompleteRequest,
  type StoredResponse,
  type StoredResponseKind,
} from './idempotency-store.js';
export { openResponse, sealResponse, type SealedResponseContext } from './sealed-response.js';
export { withIdempotentMutation, type MutationCall } from './with-idempotent-mutation.js';
