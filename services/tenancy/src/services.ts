import { MemberService } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import { ProvisioningService } from '@causeloop/proto/causeloop/tenancy/v1/provisioning_pb.js';
import { WorkspaceService } from '@causeloop/proto/causeloop/tenancy/v1/workspaces_pb.js';
import type { ServiceImpl } from '@causeloop/platform/grpc';
import { guardService } from '@causeloop/platform/identity';
import type { TenancyDeps } from './deps.js';
import { acceptInvitation } from './handlers/accept-invitation.js';
import { changeMemberRole } from './handlers/change-member-role.js';
import { createOrganization } from './handlers/create-organization.js';
import { getRetention } from './handlers/get-retention.js';
import { getWorkspace } from './handlers/get-workspace.js';
import { inviteMember } from './handlers/invite-member.js';
import { listMembers } from './handlers/list-members.js';
import { removeMember } from './handlers/remove-member.js';
import { updateRetention } from './handlers/update-retention.js';
import { updateWorkspace } from './handlers/update-workspace.js';
import { PgInvitationStore } from './stores/invitation-store.js';
import { PgMemberStore } from './stores/member-store.js';
import { PgOrganizationStore } from './stores/organization-store.js';
import { PgWorkspaceStore } from './stores/workspace-store.js';

/** WorkspaceService: every RPC scoped, the scope checked by guardService before the handler runs. */
export function createWorkspaceService(deps: TenancyDeps): ServiceImpl<typeof WorkspaceService> {
  const workspaces = new PgWorkspaceStore();
  return guardService(
    WorkspaceService,
    {
      scoped: {
        getWorkspace: getWorkspace(deps, workspaces),
        updateWorkspace: updateWorkspace(deps, workspaces),
        getRetention: getRetention(deps, workspaces),
        updateRetention: updateRetention(deps, workspaces),
      },
    },
    { principals: deps.principals, registry: deps.registry },
  );
}

/** MemberService: AcceptInvitation is public (the invitation token is the credential), the rest scoped. */
export function createMemberService(deps: TenancyDeps): ServiceImpl<typeof MemberService> {
  const stores = { members: new PgMemberStore(), invitations: new PgInvitationStore() };
  return guardService(
    MemberService,
    {
      public: { acceptInvitation: acceptInvitation(deps, stores) },
      scoped: {
        inviteMember: inviteMember(deps, stores),
        listMembers: listMembers(deps, stores.members),
        changeMemberRole: changeMemberRole(deps, stores.members),
        removeMember: removeMember(deps, stores.members),
      },
    },
    { principals: deps.principals, registry: deps.registry },
  );
}

/**
 * ProvisioningService: ACCESS_INTERNAL, so the gate refuses workspace credentials and the
 * handler demands an operator token.
 */
export function createProvisioningService(deps: TenancyDeps): ServiceImpl<typeof ProvisioningService> {
  const stores = {
    organizations: new PgOrganizationStore(),
    workspaces: new PgWorkspaceStore(),
    invitations: new PgInvitationStore(),
  };
  return guardService(
    ProvisioningService,
    { internal: { createOrganization: createOrganization(deps, stores) } },
    { principals: deps.principals, registry: deps.registry },
  );
}
