import { MemberService } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import { uuidv7 } from 'uuidv7';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { CauseloopError, invalidField } from '@causeloop/platform/errors';
import { withIdempotentMutation } from '@causeloop/platform/idempotency';
import { callerRole, ownWorkspace, roleFromProto, roleRank, type ScopedHandler } from '@causeloop/platform/identity';
import type { TenancyDeps } from '../deps.js';
import { generateInvitationToken, hashInvitationToken, invitationTtlMs } from '../invitation-token.js';
import { callerUserId } from './handler-support.js';
import { invitationView } from './views.js';

/**
 * InviteMember: an invitation with a role no higher than the caller's. The token is
 * returned once and stored as SHA-256; a newer invitation for the same email replaces a
 * pending one, so only the latest token works.
 */
export function inviteMember(
  deps: Pick<TenancyDeps, 'pool' | 'clock' | 'members' | 'invitations'>,
): ScopedHandler<typeof MemberService, 'inviteMember'> {
  return async (request, context) => {
    const { principal } = context;
    const workspaceId = ownWorkspace(principal, request.workspaceId);
    // The proto's rules have checked it is an email address.
    const { email } = request;
    const role = roleFromProto(request.role);
    if (role === undefined) throw invalidField('role', 'must be owner, admin, analyst or viewer');
    if (roleRank(role) > roleRank(callerRole(principal))) {
      throw new CauseloopError('permission_denied', 'cannot invite with a role above your own');
    }
    const token = generateInvitationToken(workspaceId);
    const mutation = { method: MemberService.method.inviteMember, request };
    return withIdempotentMutation(deps.pool, context, mutation, async (client) => {
      if ((await deps.members.activeByEmail(client, { email })) !== undefined) {
        throw new CauseloopError('already_exists', 'this email already belongs to a member');
      }
      const invitation = await deps.invitations.replacePending(client, {
        id: uuidv7(),
        email,
        role,
        tokenHash: hashInvitationToken(token),
        invitedBy: callerUserId(principal),
        expiresAt: new Date(deps.clock().getTime() + invitationTtlMs),
      });
      await appendAuditEntry(client, {
        ...auditActor(context),
        action: 'member.invited',
        targetType: 'invitation',
        targetId: invitation.id,
        after: { email, role, expires_at: invitation.expires_at.toISOString() },
      });
      return { invitation: invitationView(invitation), token };
    });
  };
}
