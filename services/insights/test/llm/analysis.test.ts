import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startInsightsStack, type IngestBatchJson, type InsightsStack, type Tenant } from '../support/insights-stack.js';
import type { FakeLlmServer } from '../support/fake-llm-server.js';
import { openAiCompletion, startFakeOpenAi } from '../support/fake-openai.js';
import { validAnalysis } from '../support/llm-fixtures.js';

// Analysis end to end: through the gateway with the offline provider (no API key), and over
// gRPC from an insights process configured by environment for OpenAI, pointed at a local
// server speaking its API. Stored, audited, prompt-logged (redacted), read back.

interface AnalysisJson {
  id: string;
  subject_kind: string;
  subject_id: string;
  tier: string;
  status: string;
  failure_reason?: string;
  root_cause?: string;
  contributing_factors?: string[];
  why_it_recurs?: string;
  confidence?: number;
  similar_issue_ids?: string[];
  provider: string;
  model: string;
  model_version: string;
  created_at: string;
}

let stack: InsightsStack;
let tenant: Tenant;
let openAi: FakeLlmServer;
let batch: IngestBatchJson;

const day = (n: number) => new Date(Date.UTC(2026, 11, 1 + n, 9)).toISOString();

beforeAll(async () => {
  [stack, openAi] = await Promise.all([startInsightsStack(), startFakeOpenAi()]);
  tenant = await stack.tenant('analysed');
  batch = await stack.call<IngestBatchJson>(tenant.owner, 'POST', '/v1/ingest/batch', {
    records: [
      ...[0, 1, 2].map((n) => ({
        source: 'sentry',
        external_id: `stripe-${n}`,
        title: `Stripe charge timed out after ${n + 2}s for customer jane.doe@example.com from 10.1.2.${n}`,
        severity: 'p2',
        service: 'checkout-api',
        occurred_at: day(n),
      })),
      // Another service's similar failure: context for the analysis.
      { source: 'datadog', external_id: 'billing-1', title: 'Stripe charge timed out after 9s in billing', service: 'billing', occurred_at: day(2) },
    ],
  });
  // Three issues over three days make the pattern active, which queues its automatic
  // analysis (docs/loop.md): let that land first, so the analyses below are the latest.
  const patternId = batch.accepted[0]!.pattern_id;
  for (let tries = 0; (await stack.send(tenant.owner, 'GET', `/v1/patterns/${patternId}/analysis`)).statusCode !== 200; tries++) {
    if (tries > 200) throw new Error('the automatic analysis of the active pattern never landed');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});
afterAll(async () => {
  await stack?.close();
  await openAi?.close();
});

describe('analysis with the offline provider, through the gateway', () => {
  it('analyses a pattern (tier balanced by default), stores it and reads it back', async () => {
    const patternId = batch.accepted[0]!.pattern_id;
    const { analysis } = await stack.call<{ analysis: AnalysisJson }>(tenant.owner, 'POST', `/v1/patterns/${patternId}/analyze`, {});
    expect(analysis).toMatchObject({ subject_kind: 'pattern', subject_id: patternId, tier: 'balanced', status: 'ok', provider: 'offline', model: 'offline', model_version: 'offline-1' });
    expect(analysis.root_cause).toContain('timeout');
    expect(analysis.contributing_factors!.length).toBeGreaterThan(1);
    expect(analysis.confidence).toBeGreaterThan(0);
    expect(analysis.similar_issue_ids).toEqual([batch.accepted[3]!.issue_id]);

    const read = await stack.call<{ analysis: AnalysisJson }>(tenant.owner, 'GET', `/v1/patterns/${patternId}/analysis`);
    expect(read.analysis).toEqual(analysis);

    const again = await stack.call<{ analysis: AnalysisJson }>(tenant.owner, 'POST', `/v1/patterns/${patternId}/analyze`, {});
    expect(again.analysis.id).not.toBe(analysis.id);
    expect({ ...again.analysis, id: '', created_at: '' }).toEqual({ ...analysis, id: '', created_at: '' });
    expect((await stack.call<{ analysis: AnalysisJson }>(tenant.owner, 'GET', `/v1/patterns/${patternId}/analysis`)).analysis.id).toBe(again.analysis.id);
  });

  it('analyses an issue at the tier asked for, audited, with a redacted prompt log', async () => {
    const issueId = batch.accepted[1]!.issue_id;
    const { analysis } = await stack.call<{ analysis: AnalysisJson }>(tenant.owner, 'POST', `/v1/issues/${issueId}/analyze`, { tier: 'deep' });
    expect(analysis).toMatchObject({ subject_kind: 'issue', subject_id: issueId, tier: 'deep', status: 'ok' });
    const audit = await stack.asAdmin<{ action: string; after: Record<string, unknown> }>(
      `select action, after from audit_log where workspace_id = $1 and target_id = $2 and action = 'issue.analyzed'`,
      [tenant.workspaceId, issueId],
    );
    expect(audit).toEqual([{ action: 'issue.analyzed', after: expect.objectContaining({ analysis_id: analysis.id, status: 'ok', provider: 'offline' }) }]);
    const logs = await stack.asAdmin<{ prompt: string; outcome: string; purpose: string }>(
      `select prompt, outcome, purpose from llm_prompt_logs where workspace_id = $1 and analysis_id = $2`,
      [tenant.workspaceId, analysis.id],
    );
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ outcome: 'ok', purpose: 'analysis' });
    expect(logs[0]!.prompt).toContain('[email]');
    expect(logs[0]!.prompt).not.toContain('jane.doe@example.com');
    expect(logs[0]!.prompt).not.toMatch(/10\.1\.2\.\d/);
  });

  it('answers 404 for a subject never analysed, and 400 for an unknown tier', async () => {
    const never = await stack.send(tenant.owner, 'GET', `/v1/issues/${batch.accepted[3]!.issue_id}/analysis`);
    expect(never.statusCode).toBe(404);
    const badTier = await stack.send(tenant.owner, 'POST', `/v1/issues/${batch.accepted[3]!.issue_id}/analyze`, { tier: 'extreme' });
    expect(badTier.statusCode).toBe(400);
  });
});

describe('analysis with the openai provider, configured by environment', () => {
  it('runs the real SDK against the configured base URL and records ok and refused outcomes', async () => {
    const insights = await stack.startAnotherInsights({
      OPENAI_API_KEY: 'sk-test-0000',
      OPENAI_BASE_URL: openAi.baseURL,
      LLM_TIMEOUT_MS: '5000',
      LLM_MAX_RETRIES: '0',
      LLM_MODEL_BALANCED: 'gpt-test-balanced',
    });
    const token = await stack.serviceAccountToken(tenant, 'ROLE_OWNER');
    const { analysis } = stack.clients(insights.grpcAddress);
    const patternId = batch.accepted[0]!.pattern_id;

    openAi.reply(openAiCompletion({ content: JSON.stringify(validAnalysis) }));
    const ok = await analysis.analyzePattern({ patternId }, { metadata: bearer(token) });
    expect(ok.analysis).toMatchObject({ status: 'ok', provider: 'openai', model: 'gpt-test-balanced', modelVersion: 'gpt-5.5-2026-04-23', rootCause: validAnalysis.root_cause, confidence: 0.7, inputTokens: 120, outputTokens: 45 });
    expect(openAi.requests).toHaveLength(1);
    expect(openAi.requests[0]!.headers.authorization).toBe('Bearer sk-test-0000');
    expect(JSON.stringify(openAi.requests[0]!.body)).not.toContain('jane.doe@example.com');

    openAi.reply(openAiCompletion({ refusal: 'I can’t help with that.' }));
    const refused = await analysis.analyzePattern({ patternId, tier: 'fast' }, { metadata: bearer(token) });
    expect(refused.analysis).toMatchObject({ status: 'refused', provider: 'openai', rootCause: '', contributingFactors: [] });
    expect(refused.analysis!.confidence).toBeUndefined();
    const read = await stack.call<{ analysis: AnalysisJson }>(tenant.owner, 'GET', `/v1/patterns/${patternId}/analysis`);
    expect(read.analysis).toMatchObject({ id: refused.analysis!.id, status: 'refused' });

    const metrics = await (await fetch(`${insights.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/causeloop_insights_analyses_total\{[^}]*provider="openai"[^}]*outcome="ok"[^}]*\} 1/);
    expect(metrics).toMatch(/causeloop_insights_analyses_total\{[^}]*provider="openai"[^}]*outcome="refused"[^}]*\} 1/);
    expect(metrics).toMatch(/causeloop_insights_llm_tokens_total\{[^}]*provider="openai"[^}]*direction="input"[^}]*\} 240/);
  });
});
