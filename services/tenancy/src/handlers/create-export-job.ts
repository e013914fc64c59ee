import { GovernanceService } from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import { uuidv7 } from 'uuidv7';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { withIdempotentMutation } from '@causeloop/platform/idempotency';
import { ownWorkspace, type ScopedHandler } from '@causeloop/platform/identity';
import type { TenancyDeps } from '../deps.js';
import { exportJobView } from './views.js';

const defaultExportTtlMs = 7 * 24 * 60 * 60 * 1000;

/** CreateExportJob: queues the export; any replica's worker picks it up. */
export function createExportJob(
  deps: Pick<TenancyDeps, 'pool' | 'exportJobs' | 'exportWorker' | 'exportTtlMs'>,
): ScopedHandler<typeof GovernanceService, 'createExportJob'> {
  return async (request, context) => {
    const { principal } = context;
    ownWorkspace(principal, request.workspaceId);
    const expiresAt = new Date(Date.now() + (deps.exportTtlMs ?? defaultExportTtlMs));
    const mutation = { method: GovernanceService.method.createExportJob, request };
    const response = await withIdempotentMutation(deps.pool, context, mutation, async (client) => {
      const job = await deps.exportJobs.create(client, { id: uuidv7(), requestedBy: principal.subjectId, expiresAt });
      await appendAuditEntry(client, {
        ...auditActor(context),
        action: 'export.requested',
        targetType: 'export_job',
        targetId: job.id,
      });
      return { job: exportJobView(job) };
    });
    deps.exportWorker?.wake();
    return response;
  };
}
