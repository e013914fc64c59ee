import type { MemberService } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { CauseloopError, notFound } from '@causeloop/platform/errors';
import { callerRole, ownWorkspace, roleRank, type ScopedHandler } from '@causeloop/platform/identity';
import type { TenancyDeps } from '../deps.js';

/**
 * RemoveMember: ends the membership and, in the same transaction, revokes the member's
 * personal access and refresh tokens. Auth refuses their access tokens from the next
 * Authenticate on (it checks the membership); the gateway's cache may serve an answer
 * for at most its bound (30 s). Removing the last owner is `last_owner`. A DELETE takes
 * no Idempotency-Key (DESIGN §7: POST and PATCH), so no answer is recorded.
 */
export function removeMember(
  deps: Pick<TenancyDeps, 'pool' | 'members'>,
): ScopedHandler<typeof MemberService, 'removeMember'> {
  return async (request, context) => {
    const { principal } = context;
    const workspaceId = ownWorkspace(principal, request.workspaceId);
    const userId = request.userId;
    const ownRank = roleRank(callerRole(principal));
    const revokedTokens = await withTenant(deps.pool, workspaceId, async (client) => {
      const owners = await deps.members.lockActiveOwners(client);
      const before = await deps.members.getActiveForUpdate(client, { userId });
      if (before === undefined) throw notFound('member');
      if (roleRank(before.role) > ownRank) {
        throw new CauseloopError('permission_denied', 'cannot remove a member ranked above you');
      }
      if (before.role === 'owner' && owners <= 1) {
        throw new CauseloopError('last_owner', 'the last owner cannot be removed; make another member owner first');
      }
      const revoked = await deps.members.remove(client, { userId });
      await appendAuditEntry(client, {
        ...auditActor(context),
        action: 'member.removed',
        targetType: 'member',
        targetId: userId,
        before: { role: before.role },
        after: { revoked_tokens: revoked },
      });
      return revoked;
    });
    return { revokedTokens };
  };
}
