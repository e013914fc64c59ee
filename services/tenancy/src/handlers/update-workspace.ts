import { WorkspaceService } from '@causeloop/proto/causeloop/tenancy/v1/workspaces_pb.js';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { invalidField, notFound } from '@causeloop/platform/errors';
import { withIdempotentMutation } from '@causeloop/platform/idempotency';
import { ownWorkspace, type ScopedHandler } from '@causeloop/platform/identity';
import type { TenancyDeps } from '../deps.js';
import { timezoneProblem } from '../time-zone.js';
import type { WorkspacePatch, WorkspaceRow } from '../stores/workspace-store.js';
import { workspaceView } from './views.js';

/**
 * UpdateWorkspace: changes the fields present in the request. Their shapes (lengths, the
 * slug's pattern, ranges) are the proto's rules, checked before this runs; a time zone
 * must also be one the runtime's zone database knows.
 */
export function updateWorkspace(
  deps: Pick<TenancyDeps, 'pool' | 'workspaces'>,
): ScopedHandler<typeof WorkspaceService, 'updateWorkspace'> {
  return async (request, context) => {
    const workspaceId = ownWorkspace(context.principal, request.workspaceId);
    const timezone = request.timezone === undefined ? undefined : timezoneProblem(request.timezone);
    if (timezone !== undefined) throw invalidField('timezone', timezone);
    const patch: WorkspacePatch = {
      name: request.name,
      slug: request.slug,
      description: request.description,
      timezone: request.timezone,
      ai_auto_link: request.aiAutoLink,
      ai_confidence_threshold: request.aiConfidenceThreshold,
      ai_proof_window_days: request.aiProofWindowDays,
    };
    const mutation = { method: WorkspaceService.method.updateWorkspace, request };
    return withIdempotentMutation(deps.pool, context, mutation, async (client) => {
      const before = await deps.workspaces.getForUpdate(client);
      if (before === undefined) throw notFound('workspace');
      const changed = changedFields(before, patch);
      if (changed.length === 0) return { workspace: workspaceView(before) };
      const after = await deps.workspaces.update(client, patch);
      await appendAuditEntry(client, {
        ...auditActor(context),
        action: 'workspace.updated',
        targetType: 'workspace',
        targetId: workspaceId,
        before: pick(before, changed),
        after: pick(after, changed),
      });
      return { workspace: workspaceView(after) };
    });
  };
}

function changedFields(row: WorkspaceRow, patch: WorkspacePatch): (keyof WorkspacePatch)[] {
  return (Object.keys(patch) as (keyof WorkspacePatch)[]).filter(
    (key) => patch[key] !== undefined && patch[key] !== row[key],
  );
}

function pick(row: WorkspaceRow, keys: readonly (keyof WorkspacePatch)[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, row[key]]));
}
