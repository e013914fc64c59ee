import type { GovernanceService } from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { CauseloopError, notFound } from '@causeloop/platform/errors';
import { ownWorkspace, type ScopedHandler } from '@causeloop/platform/identity';
import type { TenancyDeps } from '../deps.js';

/** GetExportJobPart: one part of a finished, unexpired export; each download is audited. */
export function getExportJobPart(
  deps: Pick<TenancyDeps, 'pool' | 'exportJobs'>,
): ScopedHandler<typeof GovernanceService, 'getExportJobPart'> {
  return async (request, context) => {
    const workspaceId = ownWorkspace(context.principal, request.workspaceId);
    const id = request.jobId;
    return withTenant(deps.pool, workspaceId, async (client) => {
      const job = await deps.exportJobs.get(client, id);
      if (job === undefined) throw notFound('export job');
      if (job.status !== 'succeeded') throw new CauseloopError('unprocessable', `the export job is ${job.status}, not succeeded`);
      if (job.expires_at.getTime() <= Date.now()) throw new CauseloopError('unprocessable', 'the export has expired');
      if (request.part >= job.parts) throw new CauseloopError('not_found', `part ${request.part} not found (the export has ${job.parts})`);
      const content = await deps.exportJobs.part(client, id, request.part);
      if (content === undefined) throw new CauseloopError('not_found', `part ${request.part} not found`);
      await appendAuditEntry(client, {
        ...auditActor(context),
        action: 'export.downloaded',
        targetType: 'export_job',
        targetId: id,
        after: { part: request.part },
      });
      return { part: request.part, parts: job.parts, contentType: 'application/x-ndjson', content };
    });
  };
}
