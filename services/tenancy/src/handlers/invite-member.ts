import type { MemberService } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import { uuidv7 } from 'uuidv7';
import { appendAuditEntry } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { CauseloopError } from '@causeloop/platform/errors';
import { roleFromProto, roleRank } from '@causeloop/platform/identity';
import type { TenancyDeps } from '../deps.js';
import { invalidField } from '../errors.js';
import { emailProblem } from '../field-rules.js';
import { generateInvitationToken, hashInvitationToken, invitationTtlMs } from '../invitation-token.js';
import type { InvitationStore } from '../stores/invitation-store.js';
import type { MemberStore } from '../stores/member-store.js';
import { auditActor, callerRole, callerUserId, ownWorkspace, type ScopedHandler } from './handler-support.js';
import { invitationView } from './views.js';

/**
 * InviteMember: an invitation with a role no higher than the caller's. The token is
 * returned once and stored as SHA-256; a newer invitation for the same email replaces a
 * pending one, so only the latest token works.
 */
export function inviteMember(
  deps: TenancyDeps,
  stores: { members: MemberStore; invitations: InvitationStore },
): ScopedHandler<typeof MemberService, 'inviteMember'> {
  return async (request, context) => {
    const { principal } = context;
    const workspaceId = ownWorkspace(principal, request.workspaceId);
    const email = request.email.trim();
    const problem = emailProblem(email);
    if (problem !== undefined) throw invalidField('email', problem);
    const role = roleFromProto(request.role);
    if (role === undefined) throw invalidField('role', 'must be owner, admin, analyst or viewer');
    if (roleRank(role) > roleRank(callerRole(principal))) {
      throw new CauseloopError('permission_denied', 'cannot invite with a role above your own');
    }
    const token = generateInvitationToken(workspaceId);
    const invitation = await withTenant(deps.pool, workspaceId, async (client) => {
      if ((await stores.members.activeByEmail(client, { email })) !== undefined) {
        throw new CauseloopError('already_exists', 'this email already belongs to a member');
      }
      const row = await stores.invitations.replacePending(client, {
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
        targetId: row.id,
        after: { email, role, expires_at: row.expires_at.toISOString() },
      });
      return row;
    });
    return { invitation: invitationView(invitation), token };
  };
}
