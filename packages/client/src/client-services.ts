import { AuditLogService } from '@causeloop/proto/causeloop/tenancy/v1/audit_pb.js';
import { GovernanceService } from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import { MemberService } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import { WorkspaceService } from '@causeloop/proto/causeloop/tenancy/v1/workspaces_pb.js';

/**
 * The services a client exposes, by property name: `client.members.listMembers(…)`.
 * Everything else (typed methods, retries of reads) follows from the descriptors, so
 * exposing a service (insights' IssueService, say) is one line here. Provisioning is
 * left out on purpose: it is for operators, with an operator token, not for workloads.
 */
export const clientServices = {
  workspaces: WorkspaceService,
  members: MemberService,
  auditLog: AuditLogService,
  governance: GovernanceService,
} as const;

export type ClientServices = typeof clientServices;
