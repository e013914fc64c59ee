import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  ErasureRequestStatus,
  ExportJobStatus,
  type ErasureRequestSchema,
  type ExportJobSchema,
} from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import type { ErasureRequestRow, ErasureStatusName } from './erasure-request-store.js';
import type { ExportJobRow, ExportJobStatusName } from './export-job-store.js';

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
