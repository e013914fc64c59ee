import { withTenant } from '@causeloop/platform/db';
import { notFound } from '@causeloop/platform/errors';
import type { LlmTier } from '../llm/llm-provider.js';
import { recommendationsSchema, type RecommendationItem } from '../llm/output-schemas.js';
import type { StructuredOutcome } from '../llm/structured-generator.js';
import type { AnalysisSubject } from '../stores/analysis-store.js';
import { promptLogs, type AnalysisDeps } from './analyze-subject.js';
import { recommendationsPrompt } from './analysis-prompt.js';
import { readSubjectFacts } from './subject-context.js';

/** Recommendations for a subject: validated items when `ok`, or why there are none. */
export type ProposedRecommendations = StructuredOutcome<{ readonly items: readonly RecommendationItem[] }> & {
  readonly provider: string;
};

/**
 * Asks the provider (offline: derived from template, severity and frequency) for
 * recommendations on an issue or pattern, validated against the recommendations schema like
 * every answer. Stores nothing but the prompt log of the attempts: keeping the items is the
 * caller's (the recommendations API). Not found when the subject is not in the workspace.
 */
export async function proposeRecommendations(
  deps: Omit<AnalysisDeps, 'metrics'>,
  workspaceId: string,
  subject: AnalysisSubject,
  tier: LlmTier,
  signal?: AbortSignal,
): Promise<ProposedRecommendations> {
  const facts = await withTenant(deps.pool, workspaceId, (client) => readSubjectFacts(deps, client, subject));
  if (facts === undefined) throw notFound(subject.kind);
  const result = await deps.llm.generate<{ items: RecommendationItem[] }>(workspaceId, {
    schema: recommendationsSchema,
    ...recommendationsPrompt(facts),
    tier,
    facts,
    signal,
  });
  await withTenant(deps.pool, workspaceId, (client) => deps.analyses.insertPromptLogs(client, promptLogs(result, 'recommendations', null)));
  return { ...result.outcome, provider: result.provider };
}
