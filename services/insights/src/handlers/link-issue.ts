import { IssueService } from '@causeloop/proto/causeloop/insights/v1/issues_pb.js';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { notFound } from '@causeloop/platform/errors';
import { withIdempotentMutation } from '@causeloop/platform/idempotency';
import type { ScopedHandler } from '@causeloop/platform/identity';
import type { InsightsDeps } from '../deps.js';
import { patternMerged } from '../errors.js';
import { issueView } from './views.js';

/**
 * LinkIssue: moves an issue into a pattern by hand (grouping rule `manual`). The link
 * holds: a repeat of the issue's record keeps it where it was put. Both patterns' counts
 * are recounted; the grouping lock keeps this in order with ingests, merges and splits.
 */
export function linkIssue(deps: Pick<InsightsDeps, 'pool' | 'issues' | 'patterns' | 'minerState'>): ScopedHandler<typeof IssueService, 'linkIssue'> {
  return async (request, context) => {
    const mutation = { method: IssueService.method.linkIssue, request };
    return withIdempotentMutation(deps.pool, context, mutation, async (client) => {
      await deps.minerState.lockGrouping(client);
      const before = await deps.issues.getForUpdate(client, { id: request.issueId });
      if (before === undefined) throw notFound('issue');
      const [pattern] = await deps.patterns.getManyForUpdate(client, { ids: [request.patternId] });
      if (pattern === undefined) throw notFound('pattern');
      if (pattern.status === 'merged') throw patternMerged(pattern.merged_into);
      if (before.pattern_id === pattern.id && before.grouping_rule === 'manual') return { issue: issueView(before) };
      const after = await deps.issues.setPattern(client, { id: before.id, patternId: pattern.id, rule: 'manual' });
      await deps.patterns.recount(client, { ids: [pattern.id, ...(before.pattern_id === null || before.pattern_id === pattern.id ? [] : [before.pattern_id])] });
      await appendAuditEntry(client, {
        ...auditActor(context),
        action: 'issue.linked',
        targetType: 'issue',
        targetId: before.id,
        before: { pattern_id: before.pattern_id, grouping_rule: before.grouping_rule },
        after: { pattern_id: after.pattern_id, grouping_rule: after.grouping_rule },
      });
      return { issue: issueView(after) };
    });
  };
}
