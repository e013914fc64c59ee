import { TokenKind, type Principal } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { CauseloopError } from '@causeloop/platform/errors';

/** The user behind the principal, when it is one (service accounts are not members). */
export function callerUserId(principal: Principal): string | undefined {
  return principal.tokenKind === TokenKind.SERVICE_ACCOUNT ? undefined : principal.subjectId;
}

/** Erasure is a decision by people: service accounts neither request nor decide it. */
export function personOf(principal: Principal): string {
  const userId = callerUserId(principal);
  if (userId === undefined) {
    throw new CauseloopError('permission_denied', 'erasure requests are made and decided by people, not service accounts');
  }
  return userId;
}
