import type { JsonSchema } from '@causeloop/platform/validation';
import type { TierModels } from './tier-models.js';

// One interface over every language-model provider (docs/insights.md#analysis): a provider
// makes one attempt at a structured answer; validating it, retrying an invalid one and
// logging the exchange are `generateStructured`'s, the same for all of them.

export const llmProviderNames = ['openai', 'anthropic', 'offline'] as const;
export type LlmProviderName = (typeof llmProviderNames)[number];

/** How much model an answer is worth: each tier names a model in the provider's configuration. */
export const llmTiers = ['fast', 'balanced', 'deep'] as const;
export type LlmTier = (typeof llmTiers)[number];

/** The structured outputs Causeloop asks for, each with its JSON Schema (output-schemas.ts). */
export type OutputSchemaName = 'analysis' | 'recommendations';

export interface OutputSchema {
  readonly name: OutputSchemaName;
  /** Strict-mode compatible: every property required, no additional properties. */
  readonly jsonSchema: JsonSchema;
}

/** What is known about the issue or pattern a prompt is about: the offline provider answers from this alone. */
export interface SubjectFacts {
  readonly kind: 'issue' | 'pattern';
  /** The message template (variable parts masked as `<kind>`). */
  readonly template: string;
  /** The issue's title; the pattern's template for a pattern. */
  readonly title: string;
  readonly service: string;
  readonly component: string;
  /** p1 (most severe) to p4. */
  readonly severity: 'p1' | 'p2' | 'p3' | 'p4';
  /** Issues of the pattern (for an issue: of its pattern, at least 1). */
  readonly issueCount: number;
  /** new, frequent or rare (the pattern's). */
  readonly recurrence: string;
  /** Issues used as context: those of the workspace with the most similar templates. */
  readonly similar: readonly { readonly id: string; readonly title: string; readonly patternStatus: string }[];
}

export interface StructuredRequest {
  readonly schema: OutputSchema;
  readonly system: string;
  readonly user: string;
  readonly tier: LlmTier;
  readonly facts: SubjectFacts;
  /** Aborts the attempt (the caller cancelled or its deadline passed). */
  readonly signal?: AbortSignal | undefined;
}

export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** Why an attempt produced nothing usable (bounded: these are metric and column values). */
export type FailureReason =
  | 'timeout'
  | 'rate_limited'
  | 'server_error'
  | 'connection'
  | 'request_rejected'
  | 'aborted'
  | 'invalid_output'
  | 'no_output';

/**
 * One attempt as the provider saw it, before validation. `text` is the raw answer (the JSON
 * the model wrote, a refusal's explanation, or a truncated fragment), kept for the prompt log.
 */
export type ProviderAttempt =
  | { readonly kind: 'answer'; readonly text: string; readonly model: string; readonly usage: TokenUsage }
  | { readonly kind: 'refused'; readonly text: string; readonly model: string; readonly usage: TokenUsage }
  | { readonly kind: 'truncated'; readonly text: string; readonly model: string; readonly usage: TokenUsage }
  | { readonly kind: 'failed'; readonly reason: FailureReason; readonly model: string; readonly usage: TokenUsage };

export interface LlmProvider {
  readonly name: LlmProviderName;
  /** The model a tier asks for (the answer's own model name is its version). */
  modelFor(tier: LlmTier): string;
  /** One attempt; never throws for the provider's own failures, which come back as `failed`. */
  attempt(request: StructuredRequest): Promise<ProviderAttempt>;
}

/** How an SDK-backed provider (openai, anthropic) is built: credentials, bounds and models. */
export interface SdkProviderOptions {
  readonly apiKey: string;
  /** Another endpoint speaking the same API (a gateway, a test server); the SDK's default otherwise. */
  readonly baseURL: string | undefined;
  /** Per HTTP request; the SDKs' default is 10 minutes. */
  readonly timeoutMs: number;
  /** SDK retries of connection errors, 408, 409, 429 and 5xx (honouring retry-after); their default is 2. */
  readonly maxRetries: number;
  readonly maxOutputTokens: number;
  readonly models: TierModels;
}

/**
 * The client settings both SDKs take alike: explicit timeout and retries (their defaults are
 * 10 minutes and 2), and their own console logging off (this process logs through pino only).
 */
export function sdkClientOptions(options: SdkProviderOptions) {
  return {
    apiKey: options.apiKey,
    baseURL: options.baseURL ?? null,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
    logLevel: 'off' as const,
  };
}
