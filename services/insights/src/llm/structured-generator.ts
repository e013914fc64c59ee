import type { KeyedSemaphore } from './keyed-semaphore.js';
import type { FailureReason, LlmProvider, LlmProviderName, StructuredRequest, TokenUsage } from './llm-provider.js';
import { redactPrompt } from './redact-prompt.js';
import type { OutputValidator } from './validate-output.js';

// The one policy every provider runs under: the prompt is redacted before it leaves the
// process, the answer is validated against the schema, an invalid answer is asked for once
// more (naming what was wrong) and then recorded `failed`, never stored half-valid; a refusal
// or a truncated answer is final and not retried. Every attempt becomes an exchange for the
// workspace's prompt log. Transport retries (429, 5xx, timeouts) are the SDK's, set in config.

/** What one call ended in. `model` is what the tier asked for; `modelVersion` what answered. */
export type StructuredOutcome<T> =
  | { readonly status: 'ok'; readonly value: T; readonly model: string; readonly modelVersion: string; readonly usage: TokenUsage }
  | { readonly status: 'refused' | 'truncated'; readonly model: string; readonly modelVersion: string; readonly usage: TokenUsage }
  | { readonly status: 'failed'; readonly reason: FailureReason; readonly model: string; readonly modelVersion: string; readonly usage: TokenUsage };

export type StructuredStatus = StructuredOutcome<unknown>['status'];

/** One attempt, as the prompt log keeps it: the redacted prompt and what came back. */
export interface LlmExchange {
  readonly attempt: number;
  readonly model: string;
  readonly prompt: string;
  readonly response: string;
  readonly outcome: 'ok' | 'invalid' | 'refused' | 'truncated' | 'failed';
  readonly failureReason: FailureReason | undefined;
  readonly usage: TokenUsage;
  readonly latencyMs: number;
}

export interface StructuredResult<T> {
  readonly provider: LlmProviderName;
  readonly outcome: StructuredOutcome<T>;
  readonly exchanges: readonly LlmExchange[];
}

export interface LlmMetricsSink {
  llmRequest(provider: LlmProviderName, seconds: number): void;
  llmTokens(provider: LlmProviderName, usage: TokenUsage): void;
}

export interface StructuredGenerator {
  readonly provider: LlmProviderName;
  /** Asks the workspace's question under its concurrency cap; never throws for a provider's failure. */
  generate<T>(workspaceId: string, request: StructuredRequest): Promise<StructuredResult<T>>;
}

/** Answers that fail validation are asked for this many times in all. */
const maxAttempts = 2;

export function createStructuredGenerator(options: {
  readonly provider: LlmProvider;
  readonly validator: OutputValidator;
  readonly perWorkspace: KeyedSemaphore;
  readonly metrics: LlmMetricsSink;
}): StructuredGenerator {
  const { provider, validator, metrics } = options;

  async function generate<T>(request: StructuredRequest): Promise<StructuredResult<T>> {
    const model = provider.modelFor(request.tier);
    const system = redactPrompt(request.system);
    let user = redactPrompt(request.user);
    const exchanges: LlmExchange[] = [];
    let usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
    for (let attempt = 1; ; attempt += 1) {
      const started = performance.now();
      const answer = await provider.attempt({ ...request, system, user });
      const latencyMs = Math.round(performance.now() - started);
      metrics.llmRequest(provider.name, latencyMs / 1000);
      metrics.llmTokens(provider.name, answer.usage);
      usage = { inputTokens: usage.inputTokens + answer.usage.inputTokens, outputTokens: usage.outputTokens + answer.usage.outputTokens };
      const logged = { attempt, model: answer.model || model, prompt: `${system}\n\n${user}`, usage: answer.usage, latencyMs };
      const versions = { model, modelVersion: answer.model };
      if (answer.kind === 'failed') {
        exchanges.push({ ...logged, response: '', outcome: 'failed', failureReason: answer.reason });
        return { provider: provider.name, exchanges, outcome: { status: 'failed', reason: answer.reason, ...versions, usage } };
      }
      if (answer.kind !== 'answer') {
        exchanges.push({ ...logged, response: answer.text, outcome: answer.kind, failureReason: undefined });
        return { provider: provider.name, exchanges, outcome: { status: answer.kind, ...versions, usage } };
      }
      const checked = validator.check(request.schema, answer.text);
      if (checked.ok) {
        exchanges.push({ ...logged, response: answer.text, outcome: 'ok', failureReason: undefined });
        return { provider: provider.name, exchanges, outcome: { status: 'ok', value: checked.value as T, ...versions, usage } };
      }
      exchanges.push({ ...logged, response: answer.text, outcome: 'invalid', failureReason: 'invalid_output' });
      if (attempt >= maxAttempts) {
        return { provider: provider.name, exchanges, outcome: { status: 'failed', reason: 'invalid_output', ...versions, usage } };
      }
      const problems = checked.violations.map((violation) => `${violation.field || 'the answer'}: ${violation.description}`).join('; ');
      user = `${user}\n\nYour previous answer did not match the ${request.schema.name} schema (${problems}). Answer again with JSON that matches it exactly.`;
    }
  }

  return {
    provider: provider.name,
    generate: (workspaceId, request) => options.perWorkspace.run(workspaceId, () => generate(request), request.signal),
  };
}
