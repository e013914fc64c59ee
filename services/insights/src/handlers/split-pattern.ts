import { PatternService } from '@causeloop/proto/causeloop/insights/v1/patterns_pb.js';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { CauseloopError, notFound } from '@causeloop/platform/errors';
import { withIdempotentMutation } from '@causeloop/platform/idempotency';
import type { ScopedHandler } from '@causeloop/platform/identity';
import { uuidv7 } from 'uuidv7';
import type { InsightsDeps } from '../deps.js';
import { patternMerged } from '../errors.js';
import { patternView } from './views.js';

/**
 * SplitPattern: one fingerprint of a pattern moves out into a new pattern with its issues
 * (except issues linked by hand), and its route points there (rule `split`), so new issues
 * with that fingerprint land in the new pattern from the commit on. A pattern's only
 * fingerprint cannot be split out (that would only rename the pattern).
 */
export function splitPattern(
  deps: Pick<InsightsDeps, 'pool' | 'issues' | 'patterns' | 'routes' | 'minerState'>,
): ScopedHandler<typeof PatternService, 'splitPattern'> {
  return async (request, context) => {
    const mutation = { method: PatternService.method.splitPattern, request };
    return withIdempotentMutation(deps.pool, context, mutation, async (client) => {
      await deps.minerState.lockGrouping(client);
      const [source] = await deps.patterns.getManyForUpdate(client, { ids: [request.patternId] });
      if (source === undefined) throw notFound('pattern');
      if (source.status === 'merged') throw patternMerged(source.merged_into);
      const route = await deps.routes.get(client, { fingerprint: request.fingerprint });
      if (route === undefined || route.pattern_id !== source.id) throw notFound('fingerprint in this pattern');
      if (source.fingerprints.length < 2) {
        throw new CauseloopError('unprocessable', 'the pattern has only this fingerprint: there is nothing to split it from');
      }
      const id = uuidv7();
      await deps.patterns.insertMany(client, [
        { id, template: route.template, service: route.service, component: route.component, first_seen: source.first_seen.toISOString() },
      ]);
      await deps.routes.repointFingerprint(client, { fingerprint: route.fingerprint, to: id });
      const movedIssues = await deps.issues.moveFingerprint(client, { from: source.id, fingerprint: route.fingerprint, to: id });
      await deps.patterns.recount(client, { ids: [source.id, id] });
      await deps.issues.rescore(client, { patternIds: [source.id, id] });
      await appendAuditEntry(client, {
        ...auditActor(context),
        action: 'pattern.split',
        targetType: 'pattern',
        targetId: source.id,
        before: { fingerprint: route.fingerprint, pattern_id: source.id },
        after: { fingerprint: route.fingerprint, pattern_id: id, moved_issues: movedIssues },
      });
      const [split, remaining] = await Promise.all([deps.patterns.get(client, { id }), deps.patterns.get(client, { id: source.id })]);
      return { pattern: patternView(split!), source: patternView(remaining!) };
    });
  };
}
