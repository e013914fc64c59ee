import type { LlmProvider, ProviderAttempt, StructuredRequest } from './llm-provider.js';
import { offlineAnalysis, offlineRecommendations } from './offline-derivation.js';

/** The offline provider's rules are its model; change the version when they change. */
export const offlineModelVersion = 'offline-1';

/**
 * Used when no API key is configured (and when LLM_PROVIDER=offline): answers from the
 * subject's facts by fixed rules (offline-derivation.ts), labelled `model: offline`. It goes
 * through the same validation as any provider, so its answers are held to the schema too.
 */
export function createOfflineProvider(): LlmProvider {
  return {
    name: 'offline',
    modelFor: () => 'offline',
    async attempt(request: StructuredRequest): Promise<ProviderAttempt> {
      const value = request.schema.name === 'analysis' ? offlineAnalysis(request.facts) : offlineRecommendations(request.facts);
      return { kind: 'answer', text: JSON.stringify(value), model: offlineModelVersion, usage: { inputTokens: 0, outputTokens: 0 } };
    },
  };
}
