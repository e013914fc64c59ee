import { AuditLogService } from '@causeloop/proto/causeloop/tenancy/v1/audit_pb.js';
import { GovernanceService } from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import { MemberService } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import { ProvisioningService } from '@causeloop/proto/causeloop/tenancy/v1/provisioning_pb.js';
import { WorkspaceService } from '@causeloop/proto/causeloop/tenancy/v1/workspaces_pb.js';
import type { ServiceImpl } from '@causeloop/platform/grpc';
import { guardService } from '@causeloop/platform/identity';
import type { TenancyDeps } from './deps.js';
import { acceptInvitation } from './handlers/accept-invitation.js';
import { approveErasureRequest } from './handlers/approve-erasure-request.js';
import { changeMemberRole } from './handlers/change-member-role.js';
import { createErasureRequest } from './handlers/create-erasure-request.js';
import { createExportJob } from './handlers/create-export-job.js';
import { createOrganization } from './handlers/create-organization.js';
import { exportAuditLog } from './handlers/export-audit-log.js';
import { getCertificateSigningKey } from './handlers/get-certificate-signing-key.js';
import { getErasureRequest } from './handlers/get-erasure-request.js';
import { getExportJob } from './handlers/get-export-job.js';
import { getExportJobPart } from './handlers/get-export-job-part.js';
import { getRetention } from './handlers/get-retention.js';
import { getWorkspace } from './handlers/get-workspace.js';
import { inviteMember } from './handlers/invite-member.js';
import { listAuditEntries } from './handlers/list-audit-entries.js';
import { listMembers } from './handlers/list-members.js';
import { rejectErasureRequest } from './handlers/reject-erasure-request.js';
import { removeMember } from './handlers/remove-member.js';
import { updateRetention } from './handlers/update-retention.js';
import { updateWorkspace } from './handlers/update-workspace.js';

// The tenancy services, assembled from their handlers. Each RPC is wired under the access
// its proto declares (guardService refuses a mismatch at start-up): a scoped RPC's handler
// runs only after the caller's principal holds the HTTP rule's scope.

/** What the gate of every service needs. */
type GateDeps = Pick<TenancyDeps, 'principals' | 'registry'>;

export function createWorkspaceService(
  deps: GateDeps & Pick<TenancyDeps, 'pool' | 'workspaces'>,
): ServiceImpl<typeof WorkspaceService> {
  return guardService(
    WorkspaceService,
    {
      scoped: {
        getWorkspace: getWorkspace(deps),
        updateWorkspace: updateWorkspace(deps),
        getRetention: getRetention(deps),
        updateRetention: updateRetention(deps),
      },
    },
    deps,
  );
}

/** AcceptInvitation is public (the invitation token is the credential), the rest scoped. */
export function createMemberService(
  deps: GateDeps & Pick<TenancyDeps, 'pool' | 'clock' | 'cursorKey' | 'members' | 'invitations'>,
): ServiceImpl<typeof MemberService> {
  return guardService(
    MemberService,
    {
      public: { acceptInvitation: acceptInvitation(deps) },
      scoped: {
        inviteMember: inviteMember(deps),
        listMembers: listMembers(deps),
        changeMemberRole: changeMemberRole(deps),
        removeMember: removeMember(deps),
      },
    },
    deps,
  );
}

/** ACCESS_INTERNAL, so the gate refuses workspace credentials and the handler demands an operator token. */
export function createProvisioningService(
  deps: GateDeps &
    Pick<TenancyDeps, 'pool' | 'clock' | 'envelope' | 'operatorTokenHashes' | 'organizations' | 'workspaces' | 'invitations'>,
): ServiceImpl<typeof ProvisioningService> {
  return guardService(ProvisioningService, { internal: { createOrganization: createOrganization(deps) } }, deps);
}

/** Both RPCs need `audit:read`. */
export function createAuditLogService(
  deps: GateDeps & Pick<TenancyDeps, 'pool' | 'cursorKey' | 'auditEntries'>,
): ServiceImpl<typeof AuditLogService> {
  return guardService(
    AuditLogService,
    { scoped: { listAuditEntries: listAuditEntries(deps), exportAuditLog: exportAuditLog(deps) } },
    deps,
  );
}

/**
 * Exports and erasure, each RPC under governance:read or governance:write. Export jobs are
 * worked by the export worker (jobs/export-worker.ts), which main.ts starts beside this.
 */
export function createGovernanceService(
  deps: GateDeps & Pick<TenancyDeps, 'pool' | 'signingKey' | 'exportWorker' | 'exportTtlMs' | 'exportJobs' | 'erasureRequests'>,
): ServiceImpl<typeof GovernanceService> {
  return guardService(
    GovernanceService,
    {
      scoped: {
        createExportJob: createExportJob(deps),
        getExportJob: getExportJob(deps),
        getExportJobPart: getExportJobPart(deps),
        createErasureRequest: createErasureRequest(deps),
        getErasureRequest: getErasureRequest(deps),
        approveErasureRequest: approveErasureRequest(deps),
        rejectErasureRequest: rejectErasureRequest(deps),
        getCertificateSigningKey: getCertificateSigningKey(deps),
      },
    },
    deps,
  );
}
