import { describe, expect, it } from 'vitest';
import { analysisPrompt, recommendationsPrompt } from '../../src/analysis/analysis-prompt.js';
import { createLlm } from '../../src/llm/create-llm-provider.js';
import type { SubjectFacts } from '../../src/llm/llm-provider.js';
import { analysisSchema, recommendationsSchema, type AnalysisValue, type RecommendationsValue } from '../../src/llm/output-schemas.js';
import { factsWithSecrets, recordingMetrics } from '../support/llm-fixtures.js';

const offline = () =>
  createLlm({ provider: 'offline', timeoutMs: 1_000, maxRetries: 0, maxOutputTokens: 1_000, workspaceConcurrency: 1 }, recordingMetrics());

const facts: SubjectFacts = { ...factsWithSecrets, title: 'Checkout failed: upstream returned HTTP 503', similar: [] };

async function analysisOf(input: SubjectFacts) {
  return offline().generate<AnalysisValue>('workspace-a', { schema: analysisSchema, ...analysisPrompt(input), tier: 'balanced', facts: input });
}

describe('the offline provider', () => {
  it('gives byte-identical output for identical input, from separate instances', async () => {
    const [first, second] = [await analysisOf(facts), await analysisOf({ ...facts })];
    expect(first.exchanges[0]!.response).toBe(second.exchanges[0]!.response);
    expect(first.outcome).toEqual(second.outcome);
    const recommendations = async () =>
      (await offline().generate<RecommendationsValue>('w', { schema: recommendationsSchema, ...recommendationsPrompt(facts), tier: 'fast', facts })).exchanges[0]!.response;
    expect(await recommendations()).toBe(await recommendations());
  });

  it('derives a valid analysis from template, severity and frequency, labelled model offline', async () => {
    const result = await analysisOf(facts);
    expect(result.provider).toBe('offline');
    expect(result.outcome).toMatchObject({ status: 'ok', model: 'offline', modelVersion: 'offline-1', usage: { inputTokens: 0, outputTokens: 0 } });
    const value = (result.outcome as { value: AnalysisValue }).value;
    expect(value.root_cause).toContain('Upstream returned HTTP 503 after <duration>');
    expect(value.root_cause).toContain('unavailable dependency');
    expect(value.contributing_factors).toContain('its severity (p2) makes every recurrence customer-visible');
    expect(value.contributing_factors.at(-1)).toBe('it recurs frequently (12 issues)');
    expect(value.confidence).toBeGreaterThan(0);
    expect(value.confidence).toBeLessThanOrEqual(1);
  });

  it('answers differently when severity or frequency differ', async () => {
    const base = (await analysisOf(facts)).exchanges[0]!.response;
    expect((await analysisOf({ ...facts, severity: 'p4' })).exchanges[0]!.response).not.toBe(base);
    expect((await analysisOf({ ...facts, issueCount: 40 })).exchanges[0]!.response).not.toBe(base);
  });

  it('proposes recommendations that pass the schema, most valuable first', async () => {
    const result = await offline().generate<RecommendationsValue>('w', { schema: recommendationsSchema, ...recommendationsPrompt(facts), tier: 'fast', facts });
    expect(result.outcome.status).toBe('ok');
    const { items } = (result.outcome as { value: RecommendationsValue }).value;
    expect(items.map((item) => [item.type, item.impact, item.expected_loops_prevented])).toEqual([
      ['code_fix', 'high', 12],
      ['process', 'quick_win', 3],
    ]);
  });
});
