import { createAnthropicProvider } from './anthropic-provider.js';
import { createKeyedSemaphore } from './keyed-semaphore.js';
import type { LlmSettings } from './llm-config.js';
import type { LlmProvider } from './llm-provider.js';
import { createOfflineProvider } from './offline-provider.js';
import { createOpenAiProvider } from './openai-provider.js';
import { createStructuredGenerator, type LlmMetricsSink, type StructuredGenerator } from './structured-generator.js';
import { createOutputValidator } from './validate-output.js';

/** The provider the settings name, its SDK client built with explicit timeout and retries. */
export function createLlmProvider(settings: LlmSettings): LlmProvider {
  switch (settings.provider) {
    case 'offline':
      return createOfflineProvider();
    case 'openai':
      return createOpenAiProvider(settings);
    case 'anthropic':
      return createAnthropicProvider(settings);
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
