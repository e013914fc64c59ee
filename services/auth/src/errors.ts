import { CauseloopError } from '@causeloop/platform/errors';

/**
 * The one answer to any credential that does not authenticate, whatever the reason
 * (malformed, bad checksum, unknown, revoked, expired, owner removed, bad signature):
 * telling them apart would help an attacker probe. Operators get the reason from
 * `causeloop_auth_authentications_total{outcome}`.
 */
export function invalidCredentials(): CauseloopError {
  return new CauseloopError('unauthenticated', 'invalid or expired credentials');
}

/** The identity-provider token is fine but it gives no workspace to work in. */
export function noActiveMembership(): CauseloopError {
  return new CauseloopError('permission_denied', 'no active membership in the requested workspace');
}
