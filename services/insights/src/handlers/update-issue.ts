import { IssueService } from '@causeloop/proto/causeloop/insights/v1/issues_pb.js';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { notFound } from '@causeloop/platform/errors';
import { withIdempotentMutation } from '@causeloop/platform/idempotency';
import type { ScopedHandler } from '@causeloop/platform/identity';
import type { InsightsDeps } from '../deps.js';
import { invalidTransition } from '../errors.js';
import type { IssuePatch, IssueRow } from '../stores/issue-store.js';
import { issueMoves, type IssueStatus } from '../workflow.js';
import { issueView } from './views.js';

/**
 * UpdateIssue: status (along the workflow, workflow.ts), assignee and team; fields left out
 * stay. A move the workflow refuses is `invalid_transition`, naming the allowed ones.
 */
export function updateIssue(deps: Pick<InsightsDeps, 'pool' | 'issues'>): ScopedHandler<typeof IssueService, 'updateIssue'> {
  return async (request, context) => {
    const mutation = { method: IssueService.method.updateIssue, request };
    return withIdempotentMutation(deps.pool, context, mutation, async (client) => {
      const before = await deps.issues.getForUpdate(client, { id: request.issueId });
      if (before === undefined) throw notFound('issue');
      if (request.status !== undefined && request.status !== before.status) {
        const allowed = issueMoves[before.status as IssueStatus];
        if (!allowed.includes(request.status as IssueStatus)) throw invalidTransition('issue', before.status, request.status, allowed);
      }
      const patch: IssuePatch = { status: request.status, assignee: request.assignee, team: request.team };
      const changed = (Object.keys(patch) as (keyof IssuePatch)[]).filter((key) => patch[key] !== undefined && patch[key] !== before[key]);
      if (changed.length === 0) return { issue: issueView(before) };
      const after = await deps.issues.update(client, { id: before.id, patch });
      await appendAuditEntry(client, {
        ...auditActor(context),
        action: 'issue.updated',
        targetType: 'issue',
        targetId: before.id,
        before: pick(before, changed),
        after: pick(after, changed),
      });
      return { issue: issueView(after) };
    });
  };
}

function pick(row: IssueRow, keys: readonly (keyof IssuePatch)[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, row[key]]));
}
