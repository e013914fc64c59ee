import { WorkspaceService } from '@causeloop/proto/causeloop/tenancy/v1/workspaces_pb.js';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { CauseloopError, notFound } from '@causeloop/platform/errors';
import { withIdempotentMutation } from '@causeloop/platform/idempotency';
import { ownWorkspace, type ScopedHandler } from '@causeloop/platform/identity';
import type { TenancyDeps } from '../deps.js';
import type { RetentionPatch, RetentionRow } from '../stores/workspace-store.js';
import { retentionView } from './views.js';

/**
 * The audit log is kept at least a year (issue #6); shorter is `retention_below_minimum`,
 * its own code. The upper bound (100 years; "forever" is 0) is the proto's rule.
 */
export const minimumAuditRetentionDays = 365;

export function updateRetention(
  deps: Pick<TenancyDeps, 'pool' | 'workspaces'>,
): ScopedHandler<typeof WorkspaceService, 'updateRetention'> {
  return async (request, context) => {
    const workspaceId = ownWorkspace(context.principal, request.workspaceId);
    if (request.auditDays !== undefined && request.auditDays < minimumAuditRetentionDays) {
      throw new CauseloopError('retention_below_minimum', `audit_days must be at least ${minimumAuditRetentionDays}`, {
        violations: [{ field: 'audit_days', description: `must be at least ${minimumAuditRetentionDays}` }],
      });
    }
    const patch: RetentionPatch = {
      retention_issues_days: request.issuesDays,
      retention_activity_days: request.activityDays,
      retention_audit_days: request.auditDays,
      retention_prompt_logs_days: request.promptLogsDays,
    };
    const mutation = { method: WorkspaceService.method.updateRetention, request };
    return withIdempotentMutation(deps.pool, context, mutation, async (client) => {
      const before = await deps.workspaces.getRetention(client, { forUpdate: true });
      if (before === undefined) throw notFound('workspace');
      const changed = (Object.keys(patch) as (keyof RetentionRow)[]).filter(
        (key) => patch[key] !== undefined && patch[key] !== before[key],
      );
      if (changed.length === 0) return { retention: retentionView(before) };
      const after = await deps.workspaces.updateRetention(client, patch);
      await appendAuditEntry(client, {
        ...auditActor(context),
        action: 'retention.updated',
        targetType: 'workspace',
        targetId: workspaceId,
        before: Object.fromEntries(changed.map((key) => [key, before[key]])),
        after: Object.fromEntries(changed.map((key) => [key, after[key]])),
      });
      return { retention: retentionView(after) };
    });
  };
}
