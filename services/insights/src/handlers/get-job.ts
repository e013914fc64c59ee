import type { JobService } from '@causeloop/proto/causeloop/insights/v1/jobs_pb.js';
import { withTenant } from '@causeloop/platform/db';
import { notFound } from '@causeloop/platform/errors';
import type { ScopedHandler } from '@causeloop/platform/identity';
import { readJob } from '@causeloop/platform/job-queue';
import type { InsightsDeps } from '../deps.js';
import { jobView } from './job-view.js';

/** GetJob: one job of the caller's workspace; another workspace's id is not found (RLS hides it). */
export function getJob(deps: Pick<InsightsDeps, 'pool'>): ScopedHandler<typeof JobService, 'getJob'> {
  return async (request, { principal }) => {
    const row = await withTenant(deps.pool, principal.workspaceId, (client) => readJob(client, request.jobId));
    if (row === undefined) throw notFound('job');
    return { job: jobView(row) };
  };
}
