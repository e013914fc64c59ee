import { createHash } from 'node:crypto';
import { RecommendationService } from '@causeloop/proto/causeloop/insights/v1/recommendations_pb.js';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { invalidField, notFound } from '@causeloop/platform/errors';
import { withIdempotentMutation } from '@causeloop/platform/idempotency';
import type { ScopedHandler } from '@causeloop/platform/identity';
import { enqueueJob } from '@causeloop/platform/job-queue';
import { readPage, writePage } from '@causeloop/platform/pagination';
import type { InsightsDeps } from '../deps.js';
import { invalidTransition, patternMerged } from '../errors.js';
import { startProof } from '../loop/start-proof.js';
import { recommendationsJob, type RecommendationsJobPayload } from '../loop/recommendations-job.js';
import { readPosition } from '../stores/keyset.js';
import type { LoopRow } from '../stores/loop-store.js';
import type { RecommendationFilter, RecommendationSortColumn, RecommendationStatus } from '../stores/recommendation-store.js';
import { jobView } from './job-view.js';
import { loopView, recommendationView } from './recommendation-views.js';

/** Where a recommendation may move; implemented and dismissed are final. */
export const recommendationMoves: Readonly<Record<RecommendationStatus, readonly RecommendationStatus[]>> = {
  pending: ['in_progress', 'implemented', 'dismissed'],
  in_progress: ['pending', 'implemented', 'dismissed'],
  implemented: [],
  dismissed: [],
};

/** ListRecommendations: best ranked (or newest) first, filtered, keyset-paginated. */
export function listRecommendations(deps: Pick<InsightsDeps, 'pool' | 'cursorKey' | 'recommendations'>): ScopedHandler<typeof RecommendationService, 'listRecommendations'> {
  return async (request, { principal }) => {
    const filter: RecommendationFilter = {
      status: (request.status || undefined) as RecommendationStatus | undefined,
      patternId: request.patternId || undefined,
      type: request.type || undefined,
      impact: request.impact || undefined,
      effort: request.effort || undefined,
    };
    const sort = (request.sort === '' ? 'rank_score' : request.sort.slice(1)) as RecommendationSortColumn;
    const digest = createHash('sha256').update(JSON.stringify(filter)).digest('base64url').slice(0, 16);
    const list = `recommendations:${principal.workspaceId}:${sort}:${digest}`;
    const { limit, after } = readPage(deps.cursorKey, list, request.page);
    const position = after === undefined ? undefined : readPosition(after, 2);
    if (after !== undefined && position === undefined) throw invalidField('page.cursor', 'is not a cursor from this list');
    const rows = await withTenant(deps.pool, principal.workspaceId, (client) =>
      deps.recommendations.list(client, { filter, sort, after: position, limit: limit + 1 }),
    );
    const { data, page } = writePage(deps.cursorKey, list, rows, limit, (row) => row.position);
    return { data: data.map((row) => recommendationView(row)), page };
  };
}

export function getRecommendation(deps: Pick<InsightsDeps, 'pool' | 'recommendations'>): ScopedHandler<typeof RecommendationService, 'getRecommendation'> {
  return async (request, { principal }) => {
    const row = await withTenant(deps.pool, principal.workspaceId, (client) => deps.recommendations.get(client, { id: request.recommendationId }));
    if (row === undefined) throw notFound('recommendation');
    return { recommendation: recommendationView(row) };
  };
}

/**
 * UpdateRecommendation: status along recommendationMoves and steps marked done. Implemented
 * starts the proof (loop/start-proof.ts) in the same transaction.
 */
export function updateRecommendation(
  deps: Pick<InsightsDeps, 'pool' | 'clock' | 'recommendations' | 'patterns' | 'loops' | 'minerState'>,
): ScopedHandler<typeof RecommendationService, 'updateRecommendation'> {
  return async (request, context) => {
    const mutation = { method: RecommendationService.method.updateRecommendation, request };
    return withIdempotentMutation(deps.pool, context, mutation, async (client) => {
      const before = await deps.recommendations.getForUpdate(client, { id: request.recommendationId });
      if (before === undefined) throw notFound('recommendation');
      const status = (request.status ?? before.status) as RecommendationStatus;
      const allowed = recommendationMoves[before.status];
      if (status !== before.status && !allowed.includes(status)) throw invalidTransition('recommendation', before.status, status, allowed);
      if (allowed.length === 0 && request.stepsDone.length > 0) throw invalidTransition('recommendation', before.status, before.status, allowed);
      const outOfRange = request.stepsDone.find((index) => index >= before.steps.length);
      if (outOfRange !== undefined) throw invalidField('steps_done', `step ${outOfRange} does not exist; this recommendation has ${before.steps.length}`);
      const done = new Set(request.stepsDone);
      const steps = before.steps.map((step, index) => ({ text: step.text, done: step.done || done.has(index) }));
      let loop: LoopRow | undefined;
      if (status === 'implemented' && before.status !== 'implemented') {
        // Grouping's lock: a batch reopening the pattern waits for this, or this for it.
        await deps.minerState.lockGrouping(client);
        const [pattern] = await deps.patterns.getManyForUpdate(client, { ids: [before.pattern_id] });
        if (pattern === undefined) throw notFound('pattern');
        if (pattern.status === 'merged') throw patternMerged(pattern.merged_into);
        loop = await startProof(deps, client, { pattern, recommendationId: before.id, at: deps.clock() });
      }
      const after = await deps.recommendations.update(client, { id: before.id, patch: { status, steps } });
      await appendAuditEntry(client, {
        ...auditActor(context),
        action: 'recommendation.updated',
        targetType: 'recommendation',
        targetId: before.id,
        before: { status: before.status, steps_done: before.steps.filter((step) => step.done).length },
        after: { status: after.status, steps_done: after.steps.filter((step) => step.done).length, ...(loop === undefined ? {} : { loop: loop.id }) },
      });
      return { recommendation: recommendationView(after), loop: loop === undefined ? undefined : loopView(loop) };
    });
  };
}

/**
 * ProposeRecommendations: queues a `recommendations` job for the pattern (recommendations-job.ts)
 * and answers 202 with it, under the call's Idempotency-Key; 404 when the pattern is not the
 * workspace's. The provider is asked when the job runs: a model may take longer than a
 * request should wait.
 */
export function proposePatternRecommendations(
  deps: Pick<InsightsDeps, 'pool' | 'patterns' | 'jobWorker'>,
): ScopedHandler<typeof RecommendationService, 'proposeRecommendations'> {
  return async (request, context) => {
    const mutation = { method: RecommendationService.method.proposeRecommendations, request };
    const payload: RecommendationsJobPayload = { pattern_id: request.patternId, requested_by: auditActor(context) };
    const answer = await withIdempotentMutation(deps.pool, context, mutation, async (client) => {
      if ((await deps.patterns.get(client, { id: request.patternId })) === undefined) throw notFound('pattern');
      return { job: jobView(await enqueueJob(client, { workspaceId: context.principal.workspaceId, kind: recommendationsJob, payload })) };
    });
    // Committed: start it now rather than at the next poll.
    deps.jobWorker?.wake();
    return answer;
  };
}

export function listPatternLoops(deps: Pick<InsightsDeps, 'pool' | 'patterns' | 'loops'>): ScopedHandler<typeof RecommendationService, 'listPatternLoops'> {
  return async (request, { principal }) => {
    const rows = await withTenant(deps.pool, principal.workspaceId, async (client) => {
      if ((await deps.patterns.get(client, { id: request.patternId })) === undefined) throw notFound('pattern');
      return deps.loops.listForPattern(client, { patternId: request.patternId });
    });
    return { data: rows.map((row) => loopView(row)) };
  };
}
