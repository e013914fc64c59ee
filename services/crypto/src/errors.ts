import { CauseloopError } from '@causeloop/platform/errors';

/**
 * The one error a caller sees for any wrapped key that does not unwrap, whatever the
 * reason: telling "wrong workspace" from "tampered" from "retired" would help an attacker
 * probe; operators get the reason from `causeloop_crypto_decrypt_failures_total`.
 */
export function dataKeyUnwrapFailed(): CauseloopError {
  return new CauseloopError('decryption_failed', 'data key could not be unwrapped');
}

/** At most this many keys per batch call (the proto's contract). */
export const maxBatchKeys = 1_000;

export function batchTooLarge(count: number): CauseloopError {
  return new CauseloopError('invalid_argument', `a batch holds at most ${maxBatchKeys} keys, got ${count}`, {
    violations: [{ field: 'keys', description: `at most ${maxBatchKeys} keys` }],
  });
}
