import { createKeyedSemaphore } from './keyed-semaphore.js';
import type { LlmSettings } from './llm-config.js';
import type { LlmProvider } from './llm-provider.js';
import { createLazySdkProvider } from './lazy-sdk-provider.js';
import { createOfflineProvider } from './offline-provider.js';
import { createStructuredGenerator, type LlmMetricsSink, type StructuredGenerator } from './structured-generator.js';
import { createOutputValidator } from './validate-output.js';

/**
 * The provider the settings name, its SDK client built with explicit timeout and retries
 * (on the first attempt: a remote provider's SDK loads only when it is used).
 */
export function createLlmProvider(settings: LlmSettings): LlmProvider {
  switch (settings.provider) {
    case 'offline':
      return createOfflineProvider();
    case 'openai':
      return createLazySdkProvider('openai', settings, async () => (await import('./openai-provider.js')).createOpenAiProvider);
    case 'anthropic':
      return createLazySdkProvider('anthropic', settings, async () => (await import('./anthropic-provider.js')).createAnthropicProvider);
  }
}

/** The structured generator a process uses: the configured provider under the shared policy and the per-workspace cap. */
export function createLlm(settings: LlmSettings, metrics: LlmMetricsSink): StructuredGenerator {
  return createStructuredGenerator({
    provider: createLlmProvider(settings),
    validator: createOutputValidator(),
    perWorkspace: createKeyedSemaphore(settings.workspaceConcurrency),
    metrics,
  });
}
