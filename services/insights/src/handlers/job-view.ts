import { fromJson, type JsonValue, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate, ValueSchema } from '@bufbuild/protobuf/wkt';
import type { JobSchema } from '@causeloop/proto/causeloop/insights/v1/jobs_pb.js';
import type { JobRow } from '@causeloop/platform/job-queue';

/** A job as the API shows it (GetJob, and the 202 of a call that queued one). */
export function jobView(row: JobRow): MessageInitShape<typeof JobSchema> {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    createdAt: timestampFromDate(row.created_at),
    updatedAt: timestampFromDate(row.updated_at),
    // A running job's run_after is its lease expiry: only a queued job's says when it runs.
    ...(row.status === 'queued' ? { runAfter: timestampFromDate(row.run_after) } : {}),
    ...(row.finished_at === null ? {} : { finishedAt: timestampFromDate(row.finished_at) }),
    lastError: row.last_error ?? '',
    ...(row.result === null ? {} : { result: fromJson(ValueSchema, row.result as JsonValue) }),
  };
}
