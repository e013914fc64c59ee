import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisPrompt } from '../../src/analysis/analysis-prompt.js';
import { createLlm } from '../../src/llm/create-llm-provider.js';
import { analysisSchema, type AnalysisValue } from '../../src/llm/output-schemas.js';
import { anthropicError, anthropicRefusal, anthropicToolUse, startFakeAnthropic } from '../support/fake-anthropic.js';
import type { FakeLlmServer } from '../support/fake-llm-server.js';
import { factsWithSecrets, recordingMetrics, remoteSettings, secretsInFacts, validAnalysis } from '../support/llm-fixtures.js';

// The real @anthropic-ai/sdk against a local server speaking the Messages API: a forced tool
// call carries the answer; refusals, max_tokens and transport failures are recorded as such.

let server: FakeLlmServer;
beforeAll(async () => {
  server = await startFakeAnthropic();
});
afterAll(async () => {
  await server?.close();
});

const request = { schema: analysisSchema, ...analysisPrompt(factsWithSecrets), tier: 'deep' as const, facts: factsWithSecrets };
const analyze = (overrides: { timeoutMs?: number; maxRetries?: number } = {}) =>
  createLlm(remoteSettings('anthropic', server.baseURL, overrides), recordingMetrics()).generate<AnalysisValue>('workspace-a', request);

describe('the anthropic provider', () => {
  it('forces a tool call whose input schema is the output schema, and returns the validated input', async () => {
    server.reply((sent) => anthropicToolUse(sent, validAnalysis));
    const result = await analyze();
    expect(result.outcome).toEqual({
      status: 'ok',
      value: validAnalysis,
      model: 'anthropic-deep',
      modelVersion: 'claude-sonnet-4-6-20260101',
      usage: { inputTokens: 130, outputTokens: 50 },
    });
    const [sent] = server.requests;
    expect(sent!.path).toBe('/v1/messages');
    expect(sent!.body).toMatchObject({
      model: 'anthropic-deep',
      max_tokens: 1_000,
      tools: [{ name: 'record_analysis', input_schema: analysisSchema.jsonSchema }],
      tool_choice: { type: 'tool', name: 'record_analysis' },
    });
    expect(typeof sent!.body['system']).toBe('string');
  });

  it('retries a 429 once, after the retry-after second, and then succeeds', async () => {
    server.reply(anthropicError(429, { 'retry-after': '1' }), (sent) => anthropicToolUse(sent, validAnalysis));
    const result = await analyze();
    expect(result.outcome.status).toBe('ok');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.receivedAt - server.requests[0]!.receivedAt).toBeGreaterThanOrEqual(1_000);
  });

  it('records three 500s as failed (server_error) after the configured retries', async () => {
    server.reply(anthropicError(500), anthropicError(500), anthropicError(500), (sent) => anthropicToolUse(sent, validAnalysis));
    const result = await analyze({ maxRetries: 2 });
    expect(result.outcome).toMatchObject({ status: 'failed', reason: 'server_error' });
    expect(server.requests).toHaveLength(3);
  });

  it('gives up on a hung server within the configured bound', async () => {
    server.reply('hang');
    const timeoutMs = 300;
    const started = performance.now();
    const result = await analyze({ timeoutMs, maxRetries: 0 });
    const elapsed = performance.now() - started;
    expect(result.outcome).toMatchObject({ status: 'failed', reason: 'timeout' });
    expect(server.requests).toHaveLength(1);
    expect(elapsed).toBeGreaterThanOrEqual(timeoutMs);
    expect(elapsed).toBeLessThan(timeoutMs + 1_000);
  });

  it('asks once more after an input that breaks the schema, then records failed (invalid_output)', async () => {
    server.reply((sent) => anthropicToolUse(sent, { root_cause: 'x' }), (sent) => anthropicToolUse(sent, { ...validAnalysis, extra: true }));
    const result = await analyze();
    expect(result.outcome).toMatchObject({ status: 'failed', reason: 'invalid_output' });
    expect(server.requests).toHaveLength(2);
    expect(JSON.stringify(server.requests[1]!.body['messages'])).toContain('did not match the analysis schema');
  });

  it('records stop_reason refusal as refused, without retrying', async () => {
    server.reply(anthropicRefusal(), (sent) => anthropicToolUse(sent, validAnalysis));
    const result = await analyze();
    expect(result.outcome.status).toBe('refused');
    expect(server.requests).toHaveLength(1);
  });

  it('records stop_reason max_tokens as truncated, without retrying', async () => {
    server.reply((sent) => anthropicToolUse(sent, { root_cause: 'The upstream' }, 'max_tokens'), (sent) => anthropicToolUse(sent, validAnalysis));
    const result = await analyze();
    expect(result.outcome.status).toBe('truncated');
    expect(server.requests).toHaveLength(1);
  });

  it('sends no email, IP address or token', async () => {
    server.reply((sent) => anthropicToolUse(sent, validAnalysis));
    await analyze();
    const text = JSON.stringify(server.requests[0]!.body);
    for (const secret of secretsInFacts) expect(text).not.toContain(secret);
  });
});
