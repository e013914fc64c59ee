import { uuidv7 } from 'uuidv7';
import { appendAuditEntry, type AuditActor } from '@causeloop/platform/audit';
import { withTenant, type TenantClient } from '@causeloop/platform/db';
import { notFound } from '@causeloop/platform/errors';
import type { InsightsDeps } from '../deps.js';
import type { LlmTier } from '../llm/llm-provider.js';
import { analysisSchema, type AnalysisValue } from '../llm/output-schemas.js';
import type { LlmExchange, StructuredResult } from '../llm/structured-generator.js';
import type { AnalysisRow, AnalysisSubject, NewPromptLog } from '../stores/analysis-store.js';
import { analysisPrompt } from './analysis-prompt.js';
import { readSubjectFacts } from './subject-context.js';

export type AnalysisDeps = Pick<InsightsDeps, 'pool' | 'issues' | 'patterns' | 'analyses' | 'llm' | 'metrics'>;

/** Writes the analysis in a transaction the caller opens (a job's completion) and answers R. */
export type AnalysisCommit<R> = (write: (client: TenantClient) => Promise<AnalysisRow>) => Promise<R>;

/**
 * The three steps of an analysis: read the subject's facts and similar issues in one tenant
 * transaction; ask the provider outside any transaction (it can take seconds, and no
 * connection or lock is held meanwhile); log every attempt's prompt at once; then write the
 * analysis and its audit entry, and link the prompt logs to it, in `commit`'s transaction.
 */
export async function runAnalysis<R>(
  deps: AnalysisDeps,
  call: {
    readonly workspaceId: string;
    readonly subject: AnalysisSubject;
    readonly tier: LlmTier;
    readonly actor: AuditActor;
    readonly signal: AbortSignal | undefined;
  },
  commit: AnalysisCommit<R>,
): Promise<R> {
  const { workspaceId, subject, tier } = call;
  const facts = await withTenant(deps.pool, workspaceId, (client) => readSubjectFacts(deps, client, subject));
  if (facts === undefined) throw notFound(subject.kind);
  const result = await deps.llm.generate<AnalysisValue>(workspaceId, { schema: analysisSchema, ...analysisPrompt(facts), tier, facts, signal: call.signal });
  // What left the process is logged at once, in its own transaction, as the recommendations'
  // prompts are: an attempt whose commit is lost (its worker died, its lease lapsed) still has
  // its prompts on record. The commit then links them to the analysis it stores.
  const logs = promptLogs(result, 'analysis', null);
  await withTenant(deps.pool, workspaceId, (client) => deps.analyses.insertPromptLogs(client, logs));
  const answer = await commit(async (client) => {
    const row = await deps.analyses.insert(client, analysisRecord(result, subject, tier, facts.similar.map((issue) => issue.id)));
    await deps.analyses.linkPromptLogs(client, { analysisId: row.id, logIds: logs.map((log) => log.id) });
    await appendAuditEntry(client, {
      ...call.actor,
      action: `${subject.kind}.analyzed`,
      targetType: subject.kind,
      targetId: subject.id,
      after: { analysis_id: row.id, status: row.status, provider: row.provider, model: row.model, tier },
    });
    return row;
  });
  deps.metrics.analysisRecorded(result.provider, result.outcome.status);
  return answer;
}

function analysisRecord(result: StructuredResult<AnalysisValue>, subject: AnalysisSubject, tier: LlmTier, similar: readonly string[]) {
  const { outcome } = result;
  const value = outcome.status === 'ok' ? outcome.value : undefined;
  return {
    id: uuidv7(),
    subject,
    tier,
    status: outcome.status,
    failure_reason: outcome.status === 'failed' ? outcome.reason : null,
    root_cause: value?.root_cause ?? null,
    contributing_factors: value === undefined ? null : [...value.contributing_factors],
    why_it_recurs: value?.why_it_recurs ?? null,
    confidence: value?.confidence ?? null,
    similar_issue_ids: [...similar],
    provider: result.provider,
    model: outcome.model,
    model_version: outcome.modelVersion,
    input_tokens: outcome.usage.inputTokens,
    output_tokens: outcome.usage.outputTokens,
    latency_ms: totalLatency(result.exchanges),
  };
}

const totalLatency = (exchanges: readonly LlmExchange[]) => exchanges.reduce((sum, exchange) => sum + exchange.latencyMs, 0);

/** Every attempt of a call as prompt-log rows. */
export function promptLogs(result: StructuredResult<unknown>, purpose: NewPromptLog['purpose'], analysisId: string | null): NewPromptLog[] {
  return result.exchanges.map((exchange) => ({
    id: uuidv7(),
    analysis_id: analysisId,
    purpose,
    attempt: exchange.attempt,
    provider: result.provider,
    model: exchange.model,
    prompt: exchange.prompt,
    response: exchange.response,
    outcome: exchange.outcome,
    failure_reason: exchange.failureReason ?? null,
    input_tokens: exchange.usage.inputTokens,
    output_tokens: exchange.usage.outputTokens,
    latency_ms: exchange.latencyMs,
  }));
}
