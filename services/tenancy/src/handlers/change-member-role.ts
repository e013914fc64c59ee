import { MemberService } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { CauseloopError, invalidField, notFound } from '@causeloop/platform/errors';
import { withIdempotentMutation } from '@causeloop/platform/idempotency';
import { callerRole, ownWorkspace, roleFromProto, roleRank, type ScopedHandler } from '@causeloop/platform/identity';
import type { TenancyDeps } from '../deps.js';
import { memberView } from './views.js';

/**
 * ChangeMemberRole: nobody grants a role above their own or changes someone ranked above
 * them; demoting the last owner is `last_owner`.
 */
export function changeMemberRole(
  deps: Pick<TenancyDeps, 'pool' | 'members'>,
): ScopedHandler<typeof MemberService, 'changeMemberRole'> {
  return async (request, context) => {
    const { principal } = context;
    ownWorkspace(principal, request.workspaceId);
    const userId = request.userId;
    const role = roleFromProto(request.role);
    if (role === undefined) throw invalidField('role', 'must be owner, admin, analyst or viewer');
    const ownRank = roleRank(callerRole(principal));
    if (roleRank(role) > ownRank) throw new CauseloopError('permission_denied', 'cannot grant a role above your own');
    const mutation = { method: MemberService.method.changeMemberRole, request };
    return withIdempotentMutation(deps.pool, context, mutation, async (client) => {
      // Owners first, always in the same order, then the member: two concurrent changes
      // queue instead of deadlocking, and the owner count cannot change underneath.
      const owners = await deps.members.lockActiveOwners(client);
      const before = await deps.members.getActiveForUpdate(client, { userId });
      if (before === undefined) throw notFound('member');
      if (roleRank(before.role) > ownRank) {
        throw new CauseloopError('permission_denied', 'cannot change the role of a member ranked above you');
      }
      if (before.role === role) return { member: memberView(before) };
      if (before.role === 'owner' && owners <= 1) {
        throw new CauseloopError('last_owner', 'the last owner cannot be demoted; make another member owner first');
      }
      await deps.members.setRole(client, { userId, role });
      await appendAuditEntry(client, {
        ...auditActor(context),
        action: 'member.role_changed',
        targetType: 'member',
        targetId: userId,
        before: { role: before.role },
        after: { role },
      });
      return { member: memberView({ ...before, role }) };
    });
  };
}
