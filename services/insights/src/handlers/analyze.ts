import { AnalysisService } from '@causeloop/proto/causeloop/insights/v1/analysis_pb.js';
import { auditActor } from '@causeloop/platform/audit';
import { withIdempotentMutation } from '@causeloop/platform/idempotency';
import type { ScopedHandler } from '@causeloop/platform/identity';
import { runAnalysis, type AnalysisDeps } from '../analysis/analyze-subject.js';
import type { LlmTier } from '../llm/llm-provider.js';
import { analysisView } from './analysis-view.js';

/** The request's tier; the field rules allow only these or empty. */
const tierOf = (tier: string): LlmTier => (tier === '' ? 'balanced' : (tier as LlmTier));

/**
 * AnalyzeIssue: asks the provider about one issue and records the analysis (whatever its
 * outcome) with its prompt log, an `issue.analyzed` audit entry and the answer under the
 * call's Idempotency-Key, in one transaction after the provider has answered.
 */
export function analyzeIssue(deps: AnalysisDeps): ScopedHandler<typeof AnalysisService, 'analyzeIssue'> {
  return async (request, context) => {
    const mutation = { method: AnalysisService.method.analyzeIssue, request };
    const call = {
      workspaceId: context.principal.workspaceId,
      subject: { kind: 'issue', id: request.issueId } as const,
      tier: tierOf(request.tier),
      actor: auditActor(context),
      signal: context.signal,
    };
    return runAnalysis(deps, call, (write) =>
      withIdempotentMutation(deps.pool, context, mutation, async (client) => ({ analysis: analysisView(await write(client)) })),
    );
  };
}

/** AnalyzePattern: as AnalyzeIssue, for a pattern (`pattern.analyzed`). */
export function analyzePattern(deps: AnalysisDeps): ScopedHandler<typeof AnalysisService, 'analyzePattern'> {
  return async (request, context) => {
    const mutation = { method: AnalysisService.method.analyzePattern, request };
    const call = {
      workspaceId: context.principal.workspaceId,
      subject: { kind: 'pattern', id: request.patternId } as const,
      tier: tierOf(request.tier),
      actor: auditActor(context),
      signal: context.signal,
    };
    return runAnalysis(deps, call, (write) =>
      withIdempotentMutation(deps.pool, context, mutation, async (client) => ({ analysis: analysisView(await write(client)) })),
    );
  };
}
