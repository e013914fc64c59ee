/**
 * Why a value did not decrypt. Operators see it as the `reason` label of
 * `causeloop_envelope_decrypt_failures_total`; callers only ever see `decryption_failed`.
 */
export type DecryptFailureReason =
  | 'unknown_format'
  | 'unknown_suite'
  | 'unknown_dek_version'
  | 'truncated'
  | 'commitment_mismatch'
  | 'authentication_failed'
  | 'unwrap_failed';

export const decryptFailureReasons: readonly DecryptFailureReason[] = [
  'unknown_format',
  'unknown_suite',
  'unknown_dek_version',
  'truncated',
  'commitment_mismatch',
  'authentication_failed',
  'unwrap_failed',
];

/**
 * Internal failure of the column format and the envelope, carrying the reason. The
 * envelope turns it into the one generic CauseloopError before it reaches a caller.
 */
export class DecryptFailure extends Error {
  override readonly name = 'DecryptFailure';
  readonly reason: DecryptFailureReason;

  constructor(reason: DecryptFailureReason) {
    super(`value did not decrypt (${reason})`);
    this.reason = reason;
  }
}
