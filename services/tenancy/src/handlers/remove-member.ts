import type { MemberService } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import { appendAuditEntry } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { CauseloopError } from '@causeloop/platform/errors';
import { roleRank } from '@causeloop/platform/identity';
import { isUuid } from '@causeloop/platform/ids';
import type { TenancyDeps } from '../deps.js';
import { notFound } from '../errors.js';
import type { MemberStore } from '../stores/member-store.js';
import { auditActor, callerRole, ownWorkspace, type ScopedHandler } from './handler-support.js';

/**
 * RemoveMember: ends the membership and, in the same transaction, revokes the member's
 * personal access and refresh tokens. Auth refuses their access tokens from the next
 * Authenticate on (it checks the membership); the gateway's cache may serve an answer
 * for at most its bound (30 s). Removing the last owner is `last_owner`.
 */
export function removeMember(deps: TenancyDeps, members: MemberStore): ScopedHandler<typeof MemberService, 'removeMember'> {
  return async (request, context) => {
    const { principal } = context;
    const workspaceId = ownWorkspace(principal, request.workspaceId);
    if (!isUuid(request.userId)) throw notFound('member');
    const ownRank = roleRank(callerRole(principal));
    const revokedTokens = await withTenant(deps.pool, workspaceId, async (client) => {
      const owners = await members.lockActiveOwners(client);
      const before = await members.getActiveForUpdate(client, { userId: request.userId });
      if (before === undefined) throw notFound('member');
      if (roleRank(before.role) > ownRank) {
        throw new CauseloopError('permission_denied', 'cannot remove a member ranked above you');
      }
      if (before.role === 'owner' && owners <= 1) {
        throw new CauseloopError('last_owner', 'the last owner cannot be removed; make another member owner first');
      }
      const revoked = await members.remove(client, { userId: request.userId });
      await appendAuditEntry(client, {
        ...auditActor(context),
        action: 'member.removed',
        targetType: 'member',
        targetId: request.userId,
        before: { role: before.role },
        after: { revoked_tokens: revoked },
      });
      return revoked;
    });
    return { revokedTokens };
  };
}
