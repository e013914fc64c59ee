import type { DescService } from '@bufbuild/protobuf';
import type { Principal } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { TokenKind } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { CauseloopError } from '@causeloop/platform/errors';
import type { CallContext, ServiceImpl } from '@causeloop/platform/grpc';
import {
  isRoleName,
  roleFromProto,
  type PrincipalCallContext,
  type RoleName,
  type ScopedHandler as PlatformScopedHandler,
} from '@causeloop/platform/identity';
import { canonicalUuid } from '@causeloop/platform/ids';
import { notFound } from '../errors.js';

export type ScopedHandler<S extends DescService, K extends keyof ServiceImpl<S>> = PlatformScopedHandler<S, K>;
export type OpenHandler<S extends DescService, K extends keyof ServiceImpl<S>> = (
  request: Parameters<ServiceImpl<S>[K]>[0],
  context: CallContext,
) => ReturnType<ServiceImpl<S>[K]>;

/**
 * The workspace a request may touch: the caller's own. A path naming any other workspace
 * answers not_found, exactly as an id that does not exist would (no probing of other
 * tenants' ids).
 */
export function ownWorkspace(principal: Principal, requested: string): string {
  const own = canonicalUuid(principal.workspaceId);
  if (own === undefined || canonicalUuid(requested) !== own) throw notFound('workspace');
  return own;
}

export function callerRole(principal: Principal): RoleName {
  const role = roleFromProto(principal.role);
  if (role === undefined || !isRoleName(role)) throw new CauseloopError('permission_denied', 'the caller has no role');
  return role;
}

/** The user behind the principal, when it is one (service accounts are not members). */
export function callerUserId(principal: Principal): string | undefined {
  return principal.tokenKind === TokenKind.SERVICE_ACCOUNT ? undefined : principal.subjectId;
}

const traceparent = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** Who did it, for audit entries: the principal, and the W3C trace id of the call. */
export function auditActor(context: PrincipalCallContext): { actorId: string; actorName?: string; traceId?: string } {
  const header = context.metadata.get('traceparent');
  const traceId = typeof header === 'string' ? traceparent.exec(header)?.[1] : undefined;
  return {
    actorId: context.principal.subjectId,
    ...(context.principal.displayName === '' ? {} : { actorName: context.principal.displayName }),
    ...(traceId === undefined ? {} : { traceId }),
  };
}
