import type { Principal } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { CauseloopError } from '../errors/causeloop-error.js';
import { roleFromProto, type RoleName } from './scope-catalogue.js';

/** The caller's role, for "nobody grants above their own role"; a principal without one never reaches a handler in practice. */
export function callerRole(principal: Principal): RoleName {
  const role = roleFromProto(principal.role);
  if (role === undefined) throw new CauseloopError('permission_denied', 'the caller has no role');
  return role;
}
