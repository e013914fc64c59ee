import type { MessageInitShape } from '@bufbuild/protobuf';
import type { InvitationSchema, MemberSchema } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import type { RetentionSchema, WorkspaceSchema } from '@causeloop/proto/causeloop/tenancy/v1/workspaces_pb.js';
import { roleToProto } from '@causeloop/platform/identity';
import type { InvitationRow } from '../stores/invitation-store.js';
import type { MemberRow } from '../stores/member-store.js';
import type { RetentionRow, WorkspaceRow } from '../stores/workspace-store.js';
import { toTimestamp } from '../timestamps.js';

export function workspaceView(row: WorkspaceRow): MessageInitShape<typeof WorkspaceSchema> {
  return {
    id: row.id,
    organizationId: row.organization_id ?? '',
    name: row.name,
    slug: row.slug ?? '',
    description: row.description,
    timezone: row.timezone,
    ai: {
      autoLink: row.ai_auto_link,
      confidenceThreshold: row.ai_confidence_threshold,
      proofWindowDays: row.ai_proof_window_days,
    },
    createdAt: toTimestamp(row.created_at),
    updatedAt: toTimestamp(row.updated_at),
  };
}

export function retentionView(row: RetentionRow): MessageInitShape<typeof RetentionSchema> {
  return {
    issuesDays: row.retention_issues_days,
    activityDays: row.retention_activity_days,
    auditDays: row.retention_audit_days,
    promptLogsDays: row.retention_prompt_logs_days,
  };
}

export function memberView(row: MemberRow): MessageInitShape<typeof MemberSchema> {
  return {
    userId: row.user_id,
    email: row.email ?? '',
    displayName: row.display_name ?? '',
    role: roleToProto(row.role),
    joinedAt: toTimestamp(row.created_at),
  };
}

export function invitationView(row: InvitationRow): MessageInitShape<typeof InvitationSchema> {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    email: row.email,
    role: roleToProto(row.role),
    createdAt: toTimestamp(row.created_at),
    expiresAt: toTimestamp(row.expires_at),
  };
}
