import { AnalysisService } from '@causeloop/proto/causeloop/insights/v1/analysis_pb.js';
import { auditActor } from '@causeloop/platform/audit';
import type { TenantClient } from '@causeloop/platform/db';
import { notFound } from '@causeloop/platform/errors';
import { withIdempotentMutation } from '@causeloop/platform/idempotency';
import type { ScopedHandler } from '@causeloop/platform/identity';
import { enqueueJob } from '@causeloop/platform/job-queue';
import { analysisJob, type AnalysisJobPayload } from '../analysis/analysis-job.js';
import type { InsightsDeps } from '../deps.js';
import type { LlmTier } from '../llm/llm-provider.js';
import { jobView } from './job-view.js';

type AnalyzeDeps = Pick<InsightsDeps, 'pool' | 'issues' | 'patterns' | 'jobWorker'>;

/** The request's tier; the field rules allow only these or empty. */
const tierOf = (tier: string): LlmTier => (tier === '' ? 'balanced' : (tier as LlmTier));

/**
 * AnalyzeIssue: queues an analysis of one issue (the `analysis` job, analysis-job.ts) and
 * answers 202 with the job, under the call's Idempotency-Key, once the issue is known to be
 * the workspace's. The analysis, its prompt logs and an `issue.analyzed` entry in the
 * caller's name are written when the job runs.
 */
export function analyzeIssue(deps: AnalyzeDeps): ScopedHandler<typeof AnalysisService, 'analyzeIssue'> {
  return async (request, context) => {
    const mutation = { method: AnalysisService.method.analyzeIssue, request };
    const queued = { subject: { kind: 'issue', id: request.issueId }, tier: tierOf(request.tier), requested_by: auditActor(context) } as const;
    const answer = await withIdempotentMutation(deps.pool, context, mutation, async (client) => ({ job: await queueAnalysis(deps, client, context.principal.workspaceId, queued) }));
    // Committed: start it now rather than at the next poll (a replayed answer wakes it too, harmlessly).
    deps.jobWorker?.wake();
    return answer;
  };
}

/** AnalyzePattern: as AnalyzeIssue, for a pattern (`pattern.analyzed`). */
export function analyzePattern(deps: AnalyzeDeps): ScopedHandler<typeof AnalysisService, 'analyzePattern'> {
  return async (request, context) => {
    const mutation = { method: AnalysisService.method.analyzePattern, request };
    const queued = { subject: { kind: 'pattern', id: request.patternId }, tier: tierOf(request.tier), requested_by: auditActor(context) } as const;
    const answer = await withIdempotentMutation(deps.pool, context, mutation, async (client) => ({ job: await queueAnalysis(deps, client, context.principal.workspaceId, queued) }));
    deps.jobWorker?.wake();
    return answer;
  };
}

/** Queues the job in the caller's transaction, the subject being the workspace's (not found otherwise). */
async function queueAnalysis(deps: AnalyzeDeps, client: TenantClient, workspaceId: string, payload: AnalysisJobPayload) {
  const { subject } = payload;
  const known = subject.kind === 'issue' ? await deps.issues.get(client, { id: subject.id }) : await deps.patterns.get(client, { id: subject.id });
  if (known === undefined) throw notFound(subject.kind);
  return jobView(await enqueueJob(client, { workspaceId, kind: analysisJob, payload }));
}
