import { parseAuditActor, type AuditActor } from '@causeloop/platform/audit';
import type { JobHandler } from '@causeloop/platform/job-queue';
import { failWhenGone } from '../jobs/fail-when-gone.js';
import { llmTiers, type LlmTier } from '../llm/llm-provider.js';
import type { AnalysisSubject } from '../stores/analysis-store.js';
import { runAnalysis, type AnalysisDeps } from './analyze-subject.js';

/** The job kind AnalyzeIssue and AnalyzePattern queue: one analysis someone asked for. */
export const analysisJob = 'analysis';

/** What the job carries: the subject, the tier, and who asked (the audit entry names them). */
export interface AnalysisJobPayload {
  readonly subject: AnalysisSubject;
  readonly tier: LlmTier;
  readonly requested_by: AuditActor;
}

/** What a succeeded job's result holds (GET /v1/jobs/{id}). */
export interface AnalysisJobResult {
  readonly analysis_id: string;
}

/**
 * Works an analysis job: asks the provider outside any transaction, then stores the analysis
 * (whatever its outcome), its audit entry in the name of whoever asked, and links its prompt
 * logs, with the job's completion in one transaction (the job queue's `complete`): a worker
 * that dies half-way leaves no analysis and the job is redone. A subject that no longer
 * exists ends the job as failed.
 */
export function analysisHandler(deps: AnalysisDeps): JobHandler {
  return async (job, context) => {
    const payload = readPayload(job.payload);
    if (payload === undefined) return context.fail('the job does not name a subject, a tier and who asked');
    const call = { workspaceId: job.workspaceId, subject: payload.subject, tier: payload.tier, actor: payload.requested_by, signal: context.signal };
    await failWhenGone(context, `the ${payload.subject.kind} no longer exists`, () =>
      runAnalysis(deps, call, (write) => context.complete(async (client): Promise<AnalysisJobResult> => ({ analysis_id: (await write(client)).id }))),
    );
  };
}

/** The payload as AnalyzeIssue and AnalyzePattern wrote it; undefined for anything else. */
function readPayload(payload: unknown): AnalysisJobPayload | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { subject, tier, requested_by: actor } = payload as Record<string, unknown>;
  if (typeof subject !== 'object' || subject === null || typeof tier !== 'string' || !(llmTiers as readonly string[]).includes(tier)) return undefined;
  const { kind, id } = subject as Record<string, unknown>;
  if ((kind !== 'issue' && kind !== 'pattern') || typeof id !== 'string') return undefined;
  const requestedBy = parseAuditActor(actor);
  if (requestedBy === undefined) return undefined;
  return { subject: { kind, id }, tier: tier as LlmTier, requested_by: requestedBy };
}
