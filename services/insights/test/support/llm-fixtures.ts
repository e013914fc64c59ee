import type { LlmSettings } from '../../src/llm/llm-config.js';
import type { SubjectFacts } from '../../src/llm/llm-provider.js';
import type { AnalysisValue } from '../../src/llm/output-schemas.js';
import type { LlmMetricsSink } from '../../src/llm/structured-generator.js';

/** Facts with everything redaction must catch in them: an email, IPv4 and IPv6 addresses, tokens. */
export const factsWithSecrets: SubjectFacts = {
  kind: 'issue',
  template: 'Upstream returned HTTP 503 after <duration>',
  title: 'Checkout for jane.doe@example.com failed: 10.20.30.40 and 2001:db8::7 refused, Authorization: Bearer abcdEFGH1234ijklMNOP5678',
  service: 'checkout-api',
  component: 'payments',
  severity: 'p2',
  issueCount: 12,
  recurrence: 'frequent',
  similar: [
    { id: '0190c1d2-0000-7000-8000-000000000001', title: 'key sk-proj-AbCdEfGh1234567890IjKlMnOp leaked in log, jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', patternStatus: 'active' },
    { id: '0190c1d2-0000-7000-8000-000000000002', title: 'Retry of clp_pat_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 from ops@corp.example.org', patternStatus: '' },
  ],
};

/** What must never appear in a prompt that left the process. */
export const secretsInFacts = [
  'jane.doe@example.com',
  'ops@corp.example.org',
  '10.20.30.40',
  '2001:db8::7',
  'abcdEFGH1234ijklMNOP5678',
  'sk-proj-AbCdEfGh1234567890IjKlMnOp',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
  'clp_pat_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
];

export const validAnalysis: AnalysisValue = {
  root_cause: 'The payments upstream sheds load with 503 during its deploys.',
  contributing_factors: ['no retry on 503', 'deploys without draining'],
  why_it_recurs: 'Every deploy of the upstream opens the same window.',
  confidence: 0.7,
};

export function remoteSettings(provider: 'openai' | 'anthropic', baseURL: string, overrides: { timeoutMs?: number; maxRetries?: number } = {}): LlmSettings {
  return {
    provider,
    apiKey: `${provider}-test-key`,
    baseURL,
    models: { fast: `${provider}-fast`, balanced: `${provider}-balanced`, deep: `${provider}-deep` },
    timeoutMs: overrides.timeoutMs ?? 5_000,
    maxRetries: overrides.maxRetries ?? 1,
    maxOutputTokens: 1_000,
    workspaceConcurrency: 2,
  };
}

/** A metrics sink that remembers what it was told. */
export function recordingMetrics(): LlmMetricsSink & { requests: number; tokens: number } {
  const sink = {
    requests: 0,
    tokens: 0,
    llmRequest: () => void (sink.requests += 1),
    llmTokens: (_: unknown, usage: { inputTokens: number; outputTokens: number }) => void (sink.tokens += usage.inputTokens + usage.outputTokens),
  };
  return sink;
}
