import type { MemberService } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import { appendAuditEntry } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { CauseloopError } from '@causeloop/platform/errors';
import { roleFromProto, roleRank } from '@causeloop/platform/identity';
import { isUuid } from '@causeloop/platform/ids';
import type { TenancyDeps } from '../deps.js';
import { invalidField, notFound } from '../errors.js';
import type { MemberStore } from '../stores/member-store.js';
import { auditActor, callerRole, ownWorkspace, type ScopedHandler } from './handler-support.js';
import { memberView } from './views.js';

/**
 * ChangeMemberRole: nobody grants a role above their own or changes someone ranked above
 * them; demoting the last owner is `last_owner`.
 */
export function changeMemberRole(deps: TenancyDeps, members: MemberStore): ScopedHandler<typeof MemberService, 'changeMemberRole'> {
  return async (request, context) => {
    const { principal } = context;
    const workspaceId = ownWorkspace(principal, request.workspaceId);
    if (!isUuid(request.userId)) throw notFound('member');
    const role = roleFromProto(request.role);
    if (role === undefined) throw invalidField('role', 'must be owner, admin, analyst or viewer');
    const ownRank = roleRank(callerRole(principal));
    if (roleRank(role) > ownRank) throw new CauseloopError('permission_denied', 'cannot grant a role above your own');
    const member = await withTenant(deps.pool, workspaceId, async (client) => {
      // Owners first, always in the same order, then the member: two concurrent changes
      // queue instead of deadlocking, and the owner count cannot change underneath.
      const owners = await members.lockActiveOwners(client);
      const before = await members.getActiveForUpdate(client, { userId: request.userId });
      if (before === undefined) throw notFound('member');
      if (roleRank(before.role) > ownRank) {
        throw new CauseloopError('permission_denied', 'cannot change the role of a member ranked above you');
      }
      if (before.role === role) return before;
      if (before.role === 'owner' && owners <= 1) {
        throw new CauseloopError('last_owner', 'the last owner cannot be demoted; make another member owner first');
      }
      await members.setRole(client, { userId: request.userId, role });
      await appendAuditEntry(client, {
        ...auditActor(context),
        action: 'member.role_changed',
        targetType: 'member',
        targetId: request.userId,
        before: { role: before.role },
        after: { role },
      });
      return { ...before, role };
    });
    return { member: memberView(member) };
  };
}
