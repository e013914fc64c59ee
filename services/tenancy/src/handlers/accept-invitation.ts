import type { MemberService } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import { uuidv7 } from 'uuidv7';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { CauseloopError } from '@causeloop/platform/errors';
import type { ServiceImpl } from '@causeloop/platform/grpc';
import type { TenancyDeps } from '../deps.js';
import { hashInvitationToken, invitationTokenWorkspace } from '../invitation-token.js';
import { memberView } from './views.js';

/** Every refusal reads the same, so a token's state (unknown, spent, expired, replaced) cannot be probed. */
const invalidInvitation = () => new CauseloopError('not_found', 'invitation not found or no longer valid');

/**
 * AcceptInvitation: the token is the credential. The invited email becomes an active
 * member with the invited role (a user record is pre-provisioned for it when none exists,
 * and linked at first sign-in when the identity provider vouches for the email).
 *
 * Records no Idempotency-Key answer: the route is public, and the gateway refuses a key on
 * a route with no principal to scope it to (400); a repeat finds the token spent.
 */
export function acceptInvitation(
  deps: Pick<TenancyDeps, 'pool' | 'clock' | 'members' | 'invitations'>,
): ServiceImpl<typeof MemberService>['acceptInvitation'] {
  return async (request, context) => {
    const workspaceId = invitationTokenWorkspace(request.token);
    if (workspaceId === undefined) throw invalidInvitation();
    return withTenant(deps.pool, workspaceId, async (client) => {
      const invitation = await deps.invitations.findByHashForUpdate(client, { tokenHash: hashInvitationToken(request.token) });
      if (
        invitation === undefined ||
        invitation.accepted_at !== null ||
        invitation.revoked_at !== null ||
        invitation.expires_at.getTime() <= deps.clock().getTime()
      ) {
        throw invalidInvitation();
      }
      const ensured = await client.query<{ user_id: string }>('select tenancy_ensure_user($1, $2) as user_id', [
        invitation.email,
        uuidv7(),
      ]);
      const userId = ensured.rows[0]!.user_id;
      if (!(await deps.members.activate(client, { userId, role: invitation.role }))) {
        throw new CauseloopError('already_exists', 'this email already belongs to a member');
      }
      await deps.invitations.markAccepted(client, { id: invitation.id, userId });
      await appendAuditEntry(client, {
        // No principal: the invitee, named by the invitation, is the actor.
        ...auditActor(context, { kind: 'user', id: userId, name: invitation.email }),
        action: 'member.joined',
        targetType: 'member',
        targetId: userId,
        after: { role: invitation.role, invitation_id: invitation.id },
      });
      const member = await deps.members.getActiveForUpdate(client, { userId });
      if (member === undefined) throw new Error('the accepted member is not active');
      return { workspaceId, member: memberView(member) };
    });
  };
}
