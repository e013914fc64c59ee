import { auditActor } from '@causeloop/platform/audit';
import type { TenantClient } from '@causeloop/platform/db';
import type { JobHandler } from '@causeloop/platform/job-queue';
import { generateTraceId } from '@causeloop/platform/tracing';
import { runAnalysis, type AnalysisDeps } from '../analysis/analyze-subject.js';
import { failWhenGone } from '../jobs/fail-when-gone.js';
import { recommendForPattern, type RecommendDeps } from './store-recommendations.js';

/** The job kind that analyses a pattern that became active and proposes its recommendations. */
export const patternAnalysisJob = 'pattern_analysis';

type Write = (client: TenantClient) => Promise<unknown>;

/**
 * Works a pattern_analysis job (queued by pattern-transitions.ts): asks the provider for the
 * analysis and then the recommendations, outside any transaction, and writes both with the
 * job's completion in one transaction (the platform job queue's `complete`), so a worker that
 * dies half-way leaves nothing and the job is redone. A provider without a usable answer
 * retries the job with backoff; a pattern that no longer exists (merged away) ends it.
 */
export function patternAnalysisHandler(deps: AnalysisDeps & RecommendDeps): JobHandler {
  return async (job, context) => {
    const patternId = (job.payload as { pattern_id?: unknown } | null)?.pattern_id;
    if (typeof patternId !== 'string') return context.fail('the job names no pattern');
    const actor = auditActor({ traceId: generateTraceId() }, { kind: 'system', name: 'pattern analysis' });
    const call = { workspaceId: job.workspaceId, tier: 'balanced' as const, actor, signal: context.signal };
    const writes: Write[] = [];
    const keep = async (write: Write) => void writes.push(write);
    const asked = await failWhenGone(context, 'the pattern no longer exists', async () => {
      await runAnalysis(deps, { ...call, subject: { kind: 'pattern', id: patternId } }, keep);
      await recommendForPattern(deps, { ...call, patternId }, keep);
    });
    if (!asked) return;
    await context.complete(async (client) => {
      for (const write of writes) await write(client);
    });
  };
}
