import type { WorkspaceService } from '@causeloop/proto/causeloop/tenancy/v1/workspaces_pb.js';
import { appendAuditEntry } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { CauseloopError } from '@causeloop/platform/errors';
import type { TenancyDeps } from '../deps.js';
import { invalidFields, notFound } from '../errors.js';
import { violationsOf } from '../field-rules.js';
import type { RetentionPatch, RetentionRow, WorkspaceStore } from '../stores/workspace-store.js';
import { auditActor, ownWorkspace, type ScopedHandler } from './handler-support.js';
import { retentionView } from './views.js';

/** The audit log is kept at least a year (issue #6); shorter is `retention_below_minimum`. */
export const minimumAuditRetentionDays = 365;
/** 100 years: "forever" is 0, not a huge number. */
const maximumRetentionDays = 36_500;

export function updateRetention(
  deps: TenancyDeps,
  workspaces: WorkspaceStore,
): ScopedHandler<typeof WorkspaceService, 'updateRetention'> {
  return async (request, context) => {
    const workspaceId = ownWorkspace(context.principal, request.workspaceId);
    if (request.auditDays !== undefined && request.auditDays < minimumAuditRetentionDays) {
      throw new CauseloopError('retention_below_minimum', `audit_days must be at least ${minimumAuditRetentionDays}`, {
        violations: [{ field: 'audit_days', description: `must be at least ${minimumAuditRetentionDays}` }],
      });
    }
    const tooLong = (value: number | undefined) =>
      value !== undefined && value > maximumRetentionDays ? `must be at most ${maximumRetentionDays} (0 keeps forever)` : undefined;
    const violations = violationsOf([
      ['issues_days', tooLong(request.issuesDays)],
      ['activity_days', tooLong(request.activityDays)],
      ['audit_days', tooLong(request.auditDays)],
      ['prompt_logs_days', tooLong(request.promptLogsDays)],
    ]);
    if (violations.length > 0) throw invalidFields(violations);
    const patch: RetentionPatch = {
      retention_issues_days: request.issuesDays,
      retention_activity_days: request.activityDays,
      retention_audit_days: request.auditDays,
      retention_prompt_logs_days: request.promptLogsDays,
    };
    const row = await withTenant(deps.pool, workspaceId, async (client) => {
      const before = await workspaces.getRetention(client, { forUpdate: true });
      if (before === undefined) throw notFound('workspace');
      const changed = (Object.keys(patch) as (keyof RetentionRow)[]).filter(
        (key) => patch[key] !== undefined && patch[key] !== before[key],
      );
      if (changed.length === 0) return before;
      const after = await workspaces.updateRetention(client, patch);
      await appendAuditEntry(client, {
        ...auditActor(context),
        action: 'retention.updated',
        targetType: 'workspace',
        targetId: workspaceId,
        before: Object.fromEntries(changed.map((key) => [key, before[key]])),
        after: Object.fromEntries(changed.map((key) => [key, after[key]])),
      });
      return after;
    });
    return { retention: retentionView(row) };
  };
}
