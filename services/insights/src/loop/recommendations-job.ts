import { parseAuditActor, type AuditActor } from '@causeloop/platform/audit';
import type { JobHandler } from '@causeloop/platform/job-queue';
import { failWhenGone } from '../jobs/fail-when-gone.js';
import { recommendForPattern, type RecommendDeps } from './store-recommendations.js';

/** The job kind ProposeRecommendations queues: fixes for one pattern, asked for by someone. */
export const recommendationsJob = 'recommendations';

export interface RecommendationsJobPayload {
  readonly pattern_id: string;
  readonly requested_by: AuditActor;
}

/** What a succeeded job's result holds (GET /v1/jobs/{id}): the pattern's recommendations, best ranked first. */
export interface RecommendationsJobResult {
  readonly recommendation_ids: readonly string[];
}

/**
 * Works a recommendations job: the pattern's recommendations, proposed by the provider and
 * stored with a `recommendation.proposed` entry in the asker's name when it has none (the
 * ones it has otherwise), with the job's completion in one transaction. A provider without a
 * usable answer retries the job with backoff; a pattern that no longer exists ends it.
 */
export function recommendationsHandler(deps: RecommendDeps): JobHandler {
  return async (job, context) => {
    const payload = job.payload as Partial<Record<keyof RecommendationsJobPayload, unknown>> | null;
    const patternId = payload?.pattern_id;
    const actor = parseAuditActor(payload?.requested_by);
    if (typeof patternId !== 'string' || actor === undefined) return context.fail('the job does not name a pattern and who asked');
    await failWhenGone(context, 'the pattern no longer exists', () =>
      recommendForPattern(deps, { workspaceId: job.workspaceId, patternId, tier: 'balanced', actor, signal: context.signal }, (write) =>
        context.complete(async (client): Promise<RecommendationsJobResult> => ({ recommendation_ids: (await write(client)).map((row) => row.id) })),
      ),
    );
  };
}
