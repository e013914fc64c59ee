import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  ErasureRequestStatus,
  ExportJobStatus,
  type ErasureRequestSchema,
  type ExportJobSchema,
} from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import type { InvitationSchema, MemberSchema } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import type { RetentionSchema, WorkspaceSchema } from '@causeloop/proto/causeloop/tenancy/v1/workspaces_pb.js';
import { roleToProto } from '@causeloop/platform/identity';
import type { ErasureRequestRow, ErasureStatusName } from '../stores/erasure-request-store.js';
import type { ExportJobRow, ExportJobStatusName } from '../stores/export-job-store.js';
import type { InvitationRow } from '../stores/invitation-store.js';
import type { MemberRow } from '../stores/member-store.js';
import type { RetentionRow, WorkspaceRow } from '../stores/workspace-store.js';

// Rows as the API's messages (gRPC init shapes); the audit entry's view is in audit-entry-view.ts.

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
    createdAt: timestampFromDate(row.created_at),
    updatedAt: timestampFromDate(row.updated_at),
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
    joinedAt: timestampFromDate(row.created_at),
  };
}

export function invitationView(row: InvitationRow): MessageInitShape<typeof InvitationSchema> {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    email: row.email,
    role: roleToProto(row.role),
    createdAt: timestampFromDate(row.created_at),
    expiresAt: timestampFromDate(row.expires_at),
  };
}

const exportStatuses: Record<ExportJobStatusName, ExportJobStatus> = {
  queued: ExportJobStatus.QUEUED,
  running: ExportJobStatus.RUNNING,
  succeeded: ExportJobStatus.SUCCEEDED,
  failed: ExportJobStatus.FAILED,
};

export function exportJobView(row: ExportJobRow): MessageInitShape<typeof ExportJobSchema> {
  return {
    id: row.id,
    status: exportStatuses[row.status],
    rowsDone: BigInt(row.rows_done),
    rowsTotal: BigInt(row.rows_total),
    parts: row.parts,
    attempts: row.attempts,
    error: row.status === 'failed' ? (row.error ?? '') : '',
    createdAt: timestampFromDate(row.created_at),
    ...(row.finished_at === null ? {} : { finishedAt: timestampFromDate(row.finished_at) }),
    expiresAt: timestampFromDate(row.expires_at),
  };
}

const erasureStatuses: Record<ErasureStatusName, ErasureRequestStatus> = {
  pending: ErasureRequestStatus.PENDING,
  rejected: ErasureRequestStatus.REJECTED,
  completed: ErasureRequestStatus.COMPLETED,
};

export function erasureRequestView(row: ErasureRequestRow): MessageInitShape<typeof ErasureRequestSchema> {
  return {
    id: row.id,
    subjectId: row.subject_id,
    status: erasureStatuses[row.status],
    requestedBy: row.requested_by,
    decidedBy: row.decided_by ?? '',
    createdAt: timestampFromDate(row.created_at),
    ...(row.decided_at === null ? {} : { decidedAt: timestampFromDate(row.decided_at) }),
    ...(row.certificate_payload === null || row.certificate_signature === null || row.certificate_key_id === null
      ? {}
      : {
          certificate: {
            payload: row.certificate_payload,
            signature: row.certificate_signature,
            algorithm: 'Ed25519',
            keyId: row.certificate_key_id,
          },
        }),
  };
}
