import { fromJson, type JsonValue, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate, ValueSchema } from '@bufbuild/protobuf/wkt';
import type { JobSchema, JobService } from '@causeloop/proto/causeloop/insights/v1/jobs_pb.js';
import { withTenant } from '@causeloop/platform/db';
import { notFound } from '@causeloop/platform/errors';
import type { ScopedHandler } from '@causeloop/platform/identity';
import { readJob, type JobRow } from '@causeloop/platform/job-queue';
import type { InsightsDeps } from '../deps.js';

/** GetJob: one job of the caller's workspace; another workspace's id is not found (RLS hides it). */
export function getJob(deps: Pick<InsightsDeps, 'pool'>): ScopedHandler<typeof JobService, 'getJob'> {
  return async (request, { principal }) => {
    const row = await withTenant(deps.pool, principal.workspaceId, (client) => readJob(client, request.jobId));
    if (row === undefined) throw notFound('job');
    return { job: jobView(row) };
  };
}

function jobView(row: JobRow): MessageInitShape<typeof JobSchema> {
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
