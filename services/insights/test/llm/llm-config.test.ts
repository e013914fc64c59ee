import { describe, expect, it } from 'vitest';
import { loadConfig } from '@causeloop/platform/config';
import type { FieldViolation } from '@causeloop/platform/errors';
import { llmConfigSchema, resolveLlmSettings } from '../../src/llm/llm-config.js';

function resolve(env: Record<string, string>) {
  const saved = { ...process.env };
  const violations: FieldViolation[] = [];
  try {
    for (const name of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'LLM_PROVIDER', 'OPENAI_BASE_URL', 'LLM_MODEL_FAST']) delete process.env[name];
    Object.assign(process.env, env);
    return { settings: resolveLlmSettings(loadConfig(llmConfigSchema), violations), violations };
  } finally {
    process.env = saved;
  }
}

describe('LLM provider selection', () => {
  it('is offline without keys', () => {
    expect(resolve({}).settings).toMatchObject({ provider: 'offline', timeoutMs: 30_000, maxRetries: 1 });
  });

  it('takes whichever key is set, openai first when both', () => {
    expect(resolve({ ANTHROPIC_API_KEY: 'a-key' }).settings).toMatchObject({ provider: 'anthropic', apiKey: 'a-key' });
    expect(resolve({ ANTHROPIC_API_KEY: 'a-key', OPENAI_API_KEY: 'o-key' }).settings).toMatchObject({ provider: 'openai', apiKey: 'o-key' });
  });

  it('honours LLM_PROVIDER, base URLs and tier models', () => {
    const { settings } = resolve({ OPENAI_API_KEY: 'o-key', LLM_PROVIDER: 'offline' });
    expect(settings.provider).toBe('offline');
    const openai = resolve({ OPENAI_API_KEY: 'o-key', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', LLM_MODEL_FAST: 'small' }).settings;
    expect(openai).toMatchObject({ baseURL: 'http://127.0.0.1:9/v1', models: { fast: 'small', balanced: 'gpt-5.5' } });
  });

  it('fails closed: a provider named without its key is a start-up error naming the variable', () => {
    expect(resolve({ LLM_PROVIDER: 'openai', ANTHROPIC_API_KEY: 'a-key' }).violations).toEqual([
      { field: 'OPENAI_API_KEY', description: 'is required with LLM_PROVIDER=openai' },
    ]);
    expect(resolve({ LLM_PROVIDER: 'anthropic' }).violations).toEqual([{ field: 'ANTHROPIC_API_KEY', description: 'is required with LLM_PROVIDER=anthropic' }]);
  });
});
