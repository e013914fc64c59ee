import { env, optional, type ConfigOf } from '@causeloop/platform/config';
import type { FieldViolation } from '@causeloop/platform/errors';
import { llmProviderNames, type LlmProviderName } from './llm-provider.js';
import type { TierModels } from './tier-models.js';

/** The language-model variables of the insights service (docs/insights.md#providers). */
export const llmConfigSchema = {
  openAiApiKey: optional(env.secret('OPENAI_API_KEY')),
  anthropicApiKey: optional(env.secret('ANTHROPIC_API_KEY')),
  /** Another endpoint speaking the provider's API (a gateway, a self-hosted proxy). */
  openAiBaseUrl: optional(env.url('OPENAI_BASE_URL', { protocols: ['http:', 'https:'] })),
  anthropicBaseUrl: optional(env.url('ANTHROPIC_BASE_URL', { protocols: ['http:', 'https:'] })),
  /** Unset: whichever key is set (openai first when both), offline when none. */
  llmProvider: optional(env.oneOf('LLM_PROVIDER', llmProviderNames)),
  /** Per HTTP request to the provider; the SDKs would wait 10 minutes. */
  llmTimeoutMs: env.integer('LLM_TIMEOUT_MS', { default: 30_000, min: 100, max: 600_000 }),
  /** The SDKs' retries of 429, 5xx, timeouts and lost connections (they would retry twice). */
  llmMaxRetries: env.integer('LLM_MAX_RETRIES', { default: 1, min: 0, max: 5 }),
  llmMaxOutputTokens: env.integer('LLM_MAX_OUTPUT_TOKENS', { default: 2_000, min: 100, max: 32_000 }),
  /** Provider calls one workspace may have in flight on one replica; the rest wait their turn. */
  llmWorkspaceConcurrency: env.integer('LLM_WORKSPACE_CONCURRENCY', { default: 2, min: 1, max: 100 }),
  llmModelFast: optional(env.string('LLM_MODEL_FAST')),
  llmModelBalanced: optional(env.string('LLM_MODEL_BALANCED')),
  llmModelDeep: optional(env.string('LLM_MODEL_DEEP')),
};

export type LlmEnvironment = ConfigOf<typeof llmConfigSchema>;

interface RemoteProviderSettings {
  readonly apiKey: string;
  readonly baseURL: string | undefined;
  readonly models: TierModels;
}

/** The provider to build, resolved: the key of a remote provider is known to be there. */
export type LlmSettings = {
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly maxOutputTokens: number;
  readonly workspaceConcurrency: number;
} & (
  | ({ readonly provider: 'openai' } & RemoteProviderSettings)
  | ({ readonly provider: 'anthropic' } & RemoteProviderSettings)
  | { readonly provider: 'offline' }
);

const defaultModels: Readonly<Record<'openai' | 'anthropic', TierModels>> = {
  openai: { fast: 'gpt-5.4-mini', balanced: 'gpt-5.5', deep: 'gpt-5.5-pro' },
  anthropic: { fast: 'claude-haiku-4-5', balanced: 'claude-sonnet-4-6', deep: 'claude-opus-4-8' },
};

/**
 * Picks the provider and fails closed: a provider named in LLM_PROVIDER without its key is a
 * start-up error (added to `violations`), never a silent fall back to offline.
 */
export function resolveLlmSettings(environment: LlmEnvironment, violations: FieldViolation[]): LlmSettings {
  const provider: LlmProviderName =
    environment.llmProvider ?? (environment.openAiApiKey !== undefined ? 'openai' : environment.anthropicApiKey !== undefined ? 'anthropic' : 'offline');
  const common = {
    timeoutMs: environment.llmTimeoutMs,
    maxRetries: environment.llmMaxRetries,
    maxOutputTokens: environment.llmMaxOutputTokens,
    workspaceConcurrency: environment.llmWorkspaceConcurrency,
  };
  if (provider === 'offline') return { ...common, provider };
  const apiKey = provider === 'openai' ? environment.openAiApiKey : environment.anthropicApiKey;
  const keyName = provider === 'openai' ? 'OPENAI_API_KEY' : 'ANTHROPIC_API_KEY';
  if (apiKey === undefined) {
    violations.push({ field: keyName, description: `is required with LLM_PROVIDER=${provider}` });
    return { ...common, provider: 'offline' };
  }
  const defaults = defaultModels[provider];
  const models: TierModels = {
    fast: environment.llmModelFast ?? defaults.fast,
    balanced: environment.llmModelBalanced ?? defaults.balanced,
    deep: environment.llmModelDeep ?? defaults.deep,
  };
  const baseURL = provider === 'openai' ? environment.openAiBaseUrl : environment.anthropicBaseUrl;
  return { ...common, provider, apiKey, baseURL, models };
}
