import type { WorkspaceService } from '@causeloop/proto/causeloop/tenancy/v1/workspaces_pb.js';
import { appendAuditEntry } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import type { TenancyDeps } from '../deps.js';
import { invalidFields, notFound } from '../errors.js';
import {
  confidenceProblem,
  descriptionProblem,
  nameProblem,
  proofWindowProblem,
  slugProblem,
  timezoneProblem,
  violationsOf,
} from '../field-rules.js';
import type { WorkspacePatch, WorkspaceRow, WorkspaceStore } from '../stores/workspace-store.js';
import { auditActor, ownWorkspace, type ScopedHandler } from './handler-support.js';
import { workspaceView } from './views.js';

/** UpdateWorkspace: changes the fields present in the request, each validated, all reported at once. */
export function updateWorkspace(
  deps: TenancyDeps,
  workspaces: WorkspaceStore,
): ScopedHandler<typeof WorkspaceService, 'updateWorkspace'> {
  return async (request, context) => {
    const workspaceId = ownWorkspace(context.principal, request.workspaceId);
    const name = request.name?.trim();
    const violations = violationsOf([
      ['name', name === undefined ? undefined : nameProblem(name)],
      ['slug', request.slug === undefined ? undefined : slugProblem(request.slug)],
      ['description', request.description === undefined ? undefined : descriptionProblem(request.description)],
      ['timezone', request.timezone === undefined ? undefined : timezoneProblem(request.timezone)],
      [
        'ai_confidence_threshold',
        request.aiConfidenceThreshold === undefined ? undefined : confidenceProblem(request.aiConfidenceThreshold),
      ],
      ['ai_proof_window_days', request.aiProofWindowDays === undefined ? undefined : proofWindowProblem(request.aiProofWindowDays)],
    ]);
    if (violations.length > 0) throw invalidFields(violations);
    const patch: WorkspacePatch = {
      name,
      slug: request.slug,
      description: request.description,
      timezone: request.timezone,
      ai_auto_link: request.aiAutoLink,
      ai_confidence_threshold: request.aiConfidenceThreshold,
      ai_proof_window_days: request.aiProofWindowDays,
    };
    const row = await withTenant(deps.pool, workspaceId, async (client) => {
      const before = await workspaces.getForUpdate(client);
      if (before === undefined) throw notFound('workspace');
      const changed = changedFields(before, patch);
      if (changed.length === 0) return before;
      const after = await workspaces.update(client, patch);
      await appendAuditEntry(client, {
        ...auditActor(context),
        action: 'workspace.updated',
        targetType: 'workspace',
        targetId: workspaceId,
        before: pick(before, changed),
        after: pick(after, changed),
      });
      return after;
    });
    return { workspace: workspaceView(row) };
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
