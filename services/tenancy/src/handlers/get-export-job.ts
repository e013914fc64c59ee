import type { GovernanceService } from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import { withTenant } from '@causeloop/platform/db';
import { notFound } from '@causeloop/platform/errors';
import { ownWorkspace, type ScopedHandler } from '@causeloop/platform/identity';
import type { TenancyDeps } from '../deps.js';
import { exportJobView } from './views.js';

/** GetExportJob: status and progress. */
export function getExportJob(deps: Pick<TenancyDeps, 'pool' | 'exportJobs'>): ScopedHandler<typeof GovernanceService, 'getExportJob'> {
  return async (request, { principal }) => {
    const workspaceId = ownWorkspace(principal, request.workspaceId);
    const id = request.jobId;
    const job = await withTenant(deps.pool, workspaceId, (client) => deps.exportJobs.get(client, id));
    if (job === undefined) throw notFound('export job');
    return { job: exportJobView(job) };
  };
}
