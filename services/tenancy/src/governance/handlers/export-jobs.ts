import { uuidv7 } from 'uuidv7';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { CauseloopError } from '@causeloop/platform/errors';
import { isUuid } from '@causeloop/platform/ids';
import { callerWorkspace } from '../../audit/caller-workspace.js';
import type { GovernanceHandlerDeps, ScopedHandler } from '../governance-deps.js';
import { exportJobView } from '../views.js';

const defaultExportTtlMs = 7 * 24 * 60 * 60 * 1000;

function jobId(value: string): string {
  if (!isUuid(value)) throw new CauseloopError('not_found', 'export job not found');
  return value;
}

/** CreateExportJob: queues the export; any replica's worker picks it up. */
export function createExportJob(deps: GovernanceHandlerDeps): ScopedHandler<'createExportJob'> {
  return async (request, context) => {
    const workspaceId = callerWorkspace(context, request.workspaceId);
    const { principal } = context;
    const expiresAt = new Date(Date.now() + (deps.exportTtlMs ?? defaultExportTtlMs));
    const job = await withTenant(deps.pool, workspaceId, async (client) => {
      const created = await deps.exportJobs.create(client, { id: uuidv7(), requestedBy: principal.subjectId, expiresAt });
      await appendAuditEntry(client, {
        ...auditActor(principal),
        action: 'export.requested',
        targetType: 'export_job',
        targetId: created.id,
      });
      return created;
    });
    deps.exportWorker?.wake();
    return { job: exportJobView(job) };
  };
}

/** GetExportJob: status and progress. */
export function getExportJob(deps: GovernanceHandlerDeps): ScopedHandler<'getExportJob'> {
  return async (request, context) => {
    const workspaceId = callerWorkspace(context, request.workspaceId);
    const id = jobId(request.jobId);
    const job = await withTenant(deps.pool, workspaceId, (client) => deps.exportJobs.get(client, id));
    if (job === undefined) throw new CauseloopError('not_found', 'export job not found');
    return { job: exportJobView(job) };
  };
}

/** GetExportJobPart: one part of a finished, unexpired export; each download is audited. */
export function getExportJobPart(deps: GovernanceHandlerDeps): ScopedHandler<'getExportJobPart'> {
  return async (request, context) => {
    const workspaceId = callerWorkspace(context, request.workspaceId);
    const id = jobId(request.jobId);
    return withTenant(deps.pool, workspaceId, async (client) => {
      const job = await deps.exportJobs.get(client, id);
      if (job === undefined) throw new CauseloopError('not_found', 'export job not found');
      if (job.status !== 'succeeded') throw new CauseloopError('unprocessable', `the export job is ${job.status}, not succeeded`);
      if (job.expires_at.getTime() <= Date.now()) throw new CauseloopError('unprocessable', 'the export has expired');
      if (request.part >= job.parts) throw new CauseloopError('not_found', `part ${request.part} not found (the export has ${job.parts})`);
      const content = await deps.exportJobs.part(client, id, request.part);
      if (content === undefined) throw new CauseloopError('not_found', `part ${request.part} not found`);
      await appendAuditEntry(client, {
        ...auditActor(context.principal),
        action: 'export.downloaded',
        targetType: 'export_job',
        targetId: id,
        after: { part: request.part },
      });
      return { part: request.part, parts: job.parts, contentType: 'application/x-ndjson', content };
    });
  };
}
