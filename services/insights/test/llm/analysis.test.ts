import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInsightsStack, type IngestBatchJson, type InsightsStack, type JobJson, type Tenant } from '../support/insights-stack.js';
import type { FakeLlmServer } from '../support/fake-llm-server.js';
import { openAiCompletion, startFakeOpenAi } from '../support/fake-openai.js';
import { validAnalysis } from '../support/llm-fixtures.js';

// Analysis end to end, through the gateway: asked for (202 and a queued job), worked by the
// job queue, then stored, audited in the asker's name, prompt-logged (redacted) and read back;
// with the offline provider (no API key), and with an insights process configured by
// environment for OpenAI, pointed at a local server speaking its API.

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

/**
 * Asks for an analysis at `url` (202 with the queued job), waits for the job, and reads the
 * subject's analysis at `read`: the one the job's result names.
 */
async function analysed(url: string, payload: object, read: string): Promise<AnalysisJson> {
  const { job } = await stack.call<{ job: JobJson }>(tenant.owner, 'POST', url, payload, 202);
  expect(job).toMatchObject({ kind: 'analysis', status: expect.stringMatching(/^(queued|running|succeeded)$/) });
  const done = await stack.jobEnded(tenant.owner, job.id);
  expect(done).toMatchObject({ status: 'succeeded', result: { analysis_id: expect.any(String) } });
  const { analysis } = await stack.call<{ analysis: AnalysisJson }>(tenant.owner, 'GET', read);
  expect(analysis.id).toBe(done.result!['analysis_id']);
  return analysis;
}

describe('analysis with the offline provider, through the gateway', () => {
  it('analyses a pattern (tier balanced by default) in a job, stores it and reads it back', async () => {
    const patternId = batch.accepted[0]!.pattern_id;
    const analysis = await analysed(`/v1/patterns/${patternId}/analyze`, {}, `/v1/patterns/${patternId}/analysis`);
    expect(analysis).toMatchObject({ subject_kind: 'pattern', subject_id: patternId, tier: 'balanced', status: 'ok', provider: 'offline', model: 'offline', model_version: 'offline-1' });
    expect(analysis.root_cause).toContain('timeout');
    expect(analysis.contributing_factors!.length).toBeGreaterThan(1);
    expect(analysis.confidence).toBeGreaterThan(0);
    expect(analysis.similar_issue_ids).toEqual([batch.accepted[3]!.issue_id]);

    const again = await analysed(`/v1/patterns/${patternId}/analyze`, {}, `/v1/patterns/${patternId}/analysis`);
    expect(again.id).not.toBe(analysis.id);
    expect({ ...again, id: '', created_at: '' }).toEqual({ ...analysis, id: '', created_at: '' });
  });

  it('answers a repeated call with the same job, and queues nothing more', async () => {
    const patternId = batch.accepted[0]!.pattern_id;
    const headers = { 'idempotency-key': 'analyse-once-1' };
    const first = await stack.send(tenant.owner, 'POST', `/v1/patterns/${patternId}/analyze`, { tier: 'fast' }, headers);
    const second = await stack.send(tenant.owner, 'POST', `/v1/patterns/${patternId}/analyze`, { tier: 'fast' }, headers);
    expect([first.statusCode, second.statusCode]).toEqual([202, 202]);
    const jobId = (first.json() as { job: JobJson }).job.id;
    expect((second.json() as { job: JobJson }).job.id).toBe(jobId);
    await stack.jobEnded(tenant.owner, jobId);
    const jobs = await stack.asAdmin<{ n: number }>(
      `select count(*)::int as n from jobs where workspace_id = $1 and kind = 'analysis' and payload->>'tier' = 'fast'`,
      [tenant.workspaceId],
    );
    expect(jobs[0]!.n).toBe(1);
  });

  it('analyses an issue at the tier asked for, audited, with a redacted prompt log', async () => {
    const issueId = batch.accepted[1]!.issue_id;
    const analysis = await analysed(`/v1/issues/${issueId}/analyze`, { tier: 'deep' }, `/v1/issues/${issueId}/analysis`);
    expect(analysis).toMatchObject({ subject_kind: 'issue', subject_id: issueId, tier: 'deep', status: 'ok' });
    // Written by the job, in the name of whoever asked.
    const audit = await stack.asAdmin<{ action: string; after: Record<string, unknown>; actor_kind: string; actor_id: string | null }>(
      `select action, after, actor_kind, actor_id from audit_log where workspace_id = $1 and target_id = $2 and action = 'issue.analyzed'`,
      [tenant.workspaceId, issueId],
    );
    expect(audit).toEqual([
      {
        action: 'issue.analyzed',
        after: expect.objectContaining({ analysis_id: analysis.id, status: 'ok', provider: 'offline' }),
        actor_kind: 'user',
        actor_id: expect.any(String),
      },
    ]);
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

  it('answers 404 for a subject never analysed or not in the workspace, and 400 for an unknown tier, queuing nothing', async () => {
    const never = await stack.send(tenant.owner, 'GET', `/v1/issues/${batch.accepted[3]!.issue_id}/analysis`);
    expect(never.statusCode).toBe(404);
    const before = await stack.asAdmin<{ n: number }>(`select count(*)::int as n from jobs where workspace_id = $1 and kind = 'analysis'`, [tenant.workspaceId]);
    const unknown = await stack.send(tenant.owner, 'POST', '/v1/issues/0190d6c2-7c5e-7000-8000-000000000000/analyze', {});
    expect(unknown.statusCode).toBe(404);
    const badTier = await stack.send(tenant.owner, 'POST', `/v1/issues/${batch.accepted[3]!.issue_id}/analyze`, { tier: 'extreme' });
    expect(badTier.statusCode).toBe(400);
    const after = await stack.asAdmin<{ n: number }>(`select count(*)::int as n from jobs where workspace_id = $1 and kind = 'analysis'`, [tenant.workspaceId]);
    expect(after[0]!.n).toBe(before[0]!.n);
  });
});

describe('analysis jobs that cannot run', () => {
  /** Queues an analysis job as the API would, with `payload`, and waits for it to end. */
  const queued = async (payload: object) => {
    const [row] = await stack.asAdmin<{ id: string }>(`insert into jobs (workspace_id, id, kind, payload) values ($1, uuidv7(), 'analysis', $2) returning id`, [
      tenant.workspaceId,
      JSON.stringify(payload),
    ]);
    return stack.jobEnded(tenant.owner, row!.id);
  };
  const requestedBy = { actorKind: 'user', actorId: '0190d6c2-7c5e-7000-8000-00000000000a', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' };

  it('end as failed, saying why, when the subject no longer exists or the payload is not one', async () => {
    const gone = await queued({ subject: { kind: 'issue', id: '0190d6c2-7c5e-7000-8000-00000000000b' }, tier: 'fast', requested_by: requestedBy });
    expect(gone).toMatchObject({ status: 'failed', last_error: 'the issue no longer exists', attempts: 1 });
    const malformed = await queued({ subject: { kind: 'tenant', id: 'x' }, tier: 'fast', requested_by: requestedBy });
    expect(malformed).toMatchObject({ status: 'failed', last_error: 'the job does not name a subject, a tier and who asked' });
    const anonymous = await queued({ subject: { kind: 'issue', id: batch.accepted[1]!.issue_id }, tier: 'fast', requested_by: { actorKind: 'nobody' } });
    expect(anonymous).toMatchObject({ status: 'failed', last_error: 'the job does not name a subject, a tier and who asked' });
  });
});

describe('analysis with the openai provider, configured by environment', () => {
  it('runs the real SDK against the configured base URL and records ok and refused outcomes', async () => {
    // Every replica works the queue, so the provider is the deployment's: insights is
    // restarted with OpenAI's settings (the last test of this file) rather than run beside.
    await stack.restartInsights({
      OPENAI_API_KEY: 'sk-test-0000',
      OPENAI_BASE_URL: openAi.baseURL,
      LLM_TIMEOUT_MS: '5000',
      LLM_MAX_RETRIES: '0',
      LLM_MODEL_BALANCED: 'gpt-test-balanced',
    });
    const patternId = batch.accepted[0]!.pattern_id;
    const url = `/v1/patterns/${patternId}/analyze`;
    const read = `/v1/patterns/${patternId}/analysis`;

    openAi.reply(openAiCompletion({ content: JSON.stringify(validAnalysis) }));
    const ok = await analysed(url, {}, read);
    expect(ok).toMatchObject({ status: 'ok', provider: 'openai', model: 'gpt-test-balanced', model_version: 'gpt-5.5-2026-04-23', root_cause: validAnalysis.root_cause, confidence: 0.7 });
    expect(openAi.requests).toHaveLength(1);
    expect(openAi.requests[0]!.headers.authorization).toBe('Bearer sk-test-0000');
    expect(JSON.stringify(openAi.requests[0]!.body)).not.toContain('jane.doe@example.com');

    openAi.reply(openAiCompletion({ refusal: 'I can’t help with that.' }));
    const refused = await analysed(url, { tier: 'fast' }, read);
    expect(refused).toMatchObject({ status: 'refused', provider: 'openai', root_cause: '', contributing_factors: [] });
    expect(refused.confidence).toBeUndefined();

    const metrics = await (await fetch(`${stack.insights.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/causeloop_insights_analyses_total\{[^}]*provider="openai"[^}]*outcome="ok"[^}]*\} 1/);
    expect(metrics).toMatch(/causeloop_insights_analyses_total\{[^}]*provider="openai"[^}]*outcome="refused"[^}]*\} 1/);
    expect(metrics).toMatch(/causeloop_insights_llm_tokens_total\{[^}]*provider="openai"[^}]*direction="input"[^}]*\} 240/);
  });
});
