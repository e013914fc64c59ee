import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisPrompt } from '../../src/analysis/analysis-prompt.js';
import { createLlm } from '../../src/llm/create-llm-provider.js';
import { analysisSchema, type AnalysisValue } from '../../src/llm/output-schemas.js';
import type { FakeLlmServer } from '../support/fake-llm-server.js';
import { openAiCompletion, openAiError, startFakeOpenAi } from '../support/fake-openai.js';
import { factsWithSecrets, recordingMetrics, remoteSettings, secretsInFacts, validAnalysis } from '../support/llm-fixtures.js';

// The real openai SDK against a local server speaking Chat Completions: what the provider
// sends, and what each kind of answer (or failure) is recorded as.

let server: FakeLlmServer;
beforeAll(async () => {
  server = await startFakeOpenAi();
});
afterAll(async () => {
  await server?.close();
});

const request = { schema: analysisSchema, ...analysisPrompt(factsWithSecrets), tier: 'balanced' as const, facts: factsWithSecrets };
const generator = (overrides: { timeoutMs?: number; maxRetries?: number } = {}) => createLlm(remoteSettings('openai', server.baseURL, overrides), recordingMetrics());
const analyze = (overrides: { timeoutMs?: number; maxRetries?: number } = {}) => generator(overrides).generate<AnalysisValue>('workspace-a', request);

describe('the openai provider', () => {
  it('asks for strict structured output against the schema with the tier’s model, and returns the validated answer', async () => {
    server.reply(openAiCompletion({ content: JSON.stringify(validAnalysis) }));
    const result = await analyze();
    expect(result.outcome).toEqual({
      status: 'ok',
      value: validAnalysis,
      model: 'openai-balanced',
      modelVersion: 'gpt-5.5-2026-04-23',
      usage: { inputTokens: 120, outputTokens: 45 },
    });
    expect(server.requests).toHaveLength(1);
    const [sent] = server.requests;
    expect(sent!.path).toBe('/v1/chat/completions');
    expect(sent!.headers.authorization).toBe('Bearer openai-test-key');
    expect(sent!.body).toMatchObject({
      model: 'openai-balanced',
      max_completion_tokens: 1_000,
      response_format: { type: 'json_schema', json_schema: { name: 'analysis', strict: true, schema: analysisSchema.jsonSchema } },
    });
    expect(result.exchanges).toMatchObject([{ attempt: 1, outcome: 'ok', response: JSON.stringify(validAnalysis) }]);
  });

  it('retries a 429 once, after the retry-after second, and then succeeds', async () => {
    server.reply(openAiError(429, { 'retry-after': '1' }), openAiCompletion({ content: JSON.stringify(validAnalysis) }));
    const result = await analyze();
    expect(result.outcome.status).toBe('ok');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.receivedAt - server.requests[0]!.receivedAt).toBeGreaterThanOrEqual(1_000);
  });

  it('records three 500s as failed (server_error) after the configured retries', async () => {
    server.reply(openAiError(500), openAiError(500), openAiError(500), openAiCompletion({ content: JSON.stringify(validAnalysis) }));
    const result = await analyze({ maxRetries: 2 });
    expect(result.outcome).toMatchObject({ status: 'failed', reason: 'server_error' });
    expect(server.requests).toHaveLength(3);
    expect(result.exchanges).toMatchObject([{ outcome: 'failed', failureReason: 'server_error', response: '' }]);
  });

  it('gives up on a hung server within the configured bound (timeout × attempts plus the SDK’s backoff)', async () => {
    server.reply('hang');
    const timeoutMs = 300;
    const maxRetries = 1;
    const started = performance.now();
    const result = await analyze({ timeoutMs, maxRetries });
    const elapsed = performance.now() - started;
    expect(result.outcome).toMatchObject({ status: 'failed', reason: 'timeout' });
    expect(server.requests).toHaveLength(maxRetries + 1);
    expect(elapsed).toBeGreaterThanOrEqual(timeoutMs * (maxRetries + 1));
    // The SDK's first backoff is at most 0.5 s; a second of slack for a loaded machine.
    expect(elapsed).toBeLessThan(timeoutMs * (maxRetries + 1) + 500 + 1_000);
  });

  it('asks once more after malformed JSON, naming the problem, then records failed (invalid_output)', async () => {
    server.reply(openAiCompletion({ content: '{"root_cause": "cut' }), openAiCompletion({ content: JSON.stringify({ ...validAnalysis, confidence: 7 }) }));
    const result = await analyze();
    expect(result.outcome).toMatchObject({ status: 'failed', reason: 'invalid_output' });
    expect(server.requests).toHaveLength(2);
    const retryPrompt = JSON.stringify(server.requests[1]!.body['messages']);
    expect(retryPrompt).toContain('did not match the analysis schema');
    expect(result.exchanges.map((exchange) => exchange.outcome)).toEqual(['invalid', 'invalid']);
  });

  it('accepts a valid answer on the schema retry', async () => {
    server.reply(openAiCompletion({ content: 'not json' }), openAiCompletion({ content: JSON.stringify(validAnalysis) }));
    const result = await analyze();
    expect(result.outcome).toMatchObject({ status: 'ok', value: validAnalysis });
    expect(result.exchanges.map((exchange) => exchange.outcome)).toEqual(['invalid', 'ok']);
  });

  it('records a refusal as refused, without retrying', async () => {
    server.reply(openAiCompletion({ refusal: 'I’m sorry, I can’t help with that.' }), openAiCompletion({ content: JSON.stringify(validAnalysis) }));
    const result = await analyze();
    expect(result.outcome.status).toBe('refused');
    expect(server.requests).toHaveLength(1);
    expect(result.exchanges).toMatchObject([{ outcome: 'refused', response: 'I’m sorry, I can’t help with that.' }]);
  });

  it('records finish_reason length as truncated, without retrying', async () => {
    server.reply(openAiCompletion({ content: '{"root_cause": "The upstream', finishReason: 'length' }), openAiCompletion({ content: JSON.stringify(validAnalysis) }));
    const result = await analyze();
    expect(result.outcome.status).toBe('truncated');
    expect(server.requests).toHaveLength(1);
  });

  it('sends no email, IP address or token', async () => {
    server.reply(openAiCompletion({ content: 'not json' }));
    await analyze();
    expect(server.requests).toHaveLength(2);
    for (const sent of server.requests) {
      const text = JSON.stringify(sent.body);
      for (const secret of secretsInFacts) expect(text).not.toContain(secret);
      expect(text).toContain('[email]');
      expect(text).toContain('[ip]');
      expect(text).toContain('[token]');
    }
  });
});
