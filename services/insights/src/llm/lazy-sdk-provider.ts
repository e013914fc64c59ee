import type { LlmProvider, LlmProviderName, SdkProviderOptions } from './llm-provider.js';

/**
 * A remote provider whose SDK module is imported on its first attempt, not at start-up:
 * `openai` and `@anthropic-ai/sdk` together cost a process about 45 MB of resident memory
 * and half a second to load, and every insights process built both, though it uses at most
 * one and none with the offline provider. The first analysis waits for the import once.
 */
export function createLazySdkProvider(
  name: Exclude<LlmProviderName, 'offline'>,
  options: SdkProviderOptions,
  load: () => Promise<(options: SdkProviderOptions) => LlmProvider>,
): LlmProvider {
  let provider: Promise<LlmProvider> | undefined;
  return {
    name,
    modelFor: (tier) => options.models[tier],
    async attempt(request) {
      provider ??= load().then((create) => create(options));
      return (await provider).attempt(request);
    },
  };
}
