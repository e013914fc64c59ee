import { PatternService } from '@causeloop/proto/causeloop/insights/v1/patterns_pb.js';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { invalidField, notFound } from '@causeloop/platform/errors';
import { withIdempotentMutation } from '@causeloop/platform/idempotency';
import type { ScopedHandler } from '@causeloop/platform/identity';
import type { InsightsDeps } from '../deps.js';
import { patternMerged } from '../errors.js';
import { patternView } from './views.js';

/**
 * MergePatterns: every issue of the sources moves into the target, every route of theirs
 * points at it (rule `merged`), and the sources close as `merged` into it. Routes are what
 * ingest reads, so from the commit on, on every replica, new issues with a source's
 * fingerprint land in the target. Runs under the workspace's grouping lock, so no ingest
 * routes by the old routes meanwhile.
 */
export function mergePatterns(
  deps: Pick<InsightsDeps, 'pool' | 'issues' | 'patterns' | 'routes' | 'minerState'>,
): ScopedHandler<typeof PatternService, 'mergePatterns'> {
  return async (request, context) => {
    const targetId = request.patternId.toLowerCase();
    const sourceIds = [...new Set(request.sourcePatternIds.map((id) => id.toLowerCase()))];
    if (sourceIds.includes(targetId)) throw invalidField('source_pattern_ids', 'must not name the target pattern');
    const mutation = { method: PatternService.method.mergePatterns, request };
    return withIdempotentMutation(deps.pool, context, mutation, async (client) => {
      await deps.minerState.lockGrouping(client);
      const found = await deps.patterns.getManyForUpdate(client, { ids: [targetId, ...sourceIds] });
      const target = found.find((pattern) => pattern.id === targetId);
      if (target === undefined) throw notFound('pattern');
      const sources = sourceIds.map((id) => found.find((pattern) => pattern.id === id));
      if (sources.some((source) => source === undefined)) throw notFound('source pattern');
      if (target.status === 'merged') throw patternMerged(target.merged_into);
      const closed = sources.find((source) => source!.status === 'merged');
      if (closed !== undefined) throw patternMerged(closed.merged_into);

      const movedIssues = await deps.issues.moveAll(client, { from: sourceIds, to: targetId });
      const movedRoutes = await deps.routes.repointPatterns(client, { from: sourceIds, to: targetId });
      await deps.patterns.markMerged(client, { ids: sourceIds, into: targetId });
      await deps.patterns.recount(client, { ids: [targetId] });
      await deps.issues.rescore(client, { patternIds: [targetId] });
      await appendAuditEntry(client, {
        ...auditActor(context),
        action: 'pattern.merged',
        targetType: 'pattern',
        targetId,
        before: { sources: sources.map((source) => ({ id: source!.id, status: source!.status, issue_count: source!.issue_count, fingerprints: source!.fingerprints })) },
        after: { moved_issues: movedIssues, moved_routes: movedRoutes },
      });
      return { pattern: patternView((await deps.patterns.get(client, { id: targetId }))!) };
    });
  };
}
