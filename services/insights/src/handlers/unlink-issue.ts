import { IssueService } from '@causeloop/proto/causeloop/insights/v1/issues_pb.js';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { notFound } from '@causeloop/platform/errors';
import { withIdempotentMutation } from '@causeloop/platform/idempotency';
import type { ScopedHandler } from '@causeloop/platform/identity';
import type { InsightsDeps } from '../deps.js';
import { issueView } from './views.js';

/** UnlinkIssue: takes an issue out of its pattern (grouping rule `unlinked`); repeats of its record keep it out. */
export function unlinkIssue(deps: Pick<InsightsDeps, 'pool' | 'issues' | 'patterns' | 'minerState'>): ScopedHandler<typeof IssueService, 'unlinkIssue'> {
  return async (request, context) => {
    const mutation = { method: IssueService.method.unlinkIssue, request };
    return withIdempotentMutation(deps.pool, context, mutation, async (client) => {
      await deps.minerState.lockGrouping(client);
      const before = await deps.issues.getForUpdate(client, { id: request.issueId });
      if (before === undefined) throw notFound('issue');
      if (before.pattern_id === null) return { issue: issueView(before) };
      const after = await deps.issues.setPattern(client, { id: before.id, patternId: null, rule: 'unlinked' });
      await deps.patterns.recount(client, { ids: [before.pattern_id] });
      await appendAuditEntry(client, {
        ...auditActor(context),
        action: 'issue.unlinked',
        targetType: 'issue',
        targetId: before.id,
        before: { pattern_id: before.pattern_id, grouping_rule: before.grouping_rule },
        after: { pattern_id: null, grouping_rule: after.grouping_rule },
      });
      return { issue: issueView(after) };
    });
  };
}
