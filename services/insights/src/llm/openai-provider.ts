import OpenAI from 'openai';
import type { LlmProvider, ProviderAttempt, StructuredRequest, TokenUsage } from './llm-provider.js';
import { failureReasonOf } from './provider-failure.js';
import type { TierModels } from './tier-models.js';

export interface OpenAiProviderOptions {
  readonly apiKey: string;
  /** Another endpoint speaking the same API (a gateway, a test server); the SDK's default otherwise. */
  readonly baseURL: string | undefined;
  /** Per HTTP request; the SDK's default is 10 minutes. */
  readonly timeoutMs: number;
  /** SDK retries of connection errors, 408, 409, 429 and 5xx (honouring retry-after); its default is 2. */
  readonly maxRetries: number;
  readonly maxOutputTokens: number;
  readonly models: TierModels;
}

/**
 * OpenAI through the official SDK's Chat Completions with Structured Outputs: the schema is
 * sent as `response_format: json_schema` with `strict: true`, so the model is constrained to
 * it; the answer is still validated like any other. A `refusal` is final, and
 * `finish_reason: length` means the JSON was cut off.
 */
export function createOpenAiProvider(options: OpenAiProviderOptions): LlmProvider {
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL ?? null,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
    // The SDK's own logging goes to the console; this process logs through pino only.
    logLevel: 'off',
  });
  return {
    name: 'openai',
    modelFor: (tier) => options.models[tier],
    async attempt(request: StructuredRequest): Promise<ProviderAttempt> {
      const model = options.models[request.tier];
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await client.chat.completions.create(
          {
            model,
            messages: [
              { role: 'system', content: request.system },
              { role: 'user', content: request.user },
            ],
            response_format: {
              type: 'json_schema',
              json_schema: { name: request.schema.name, schema: { ...request.schema.jsonSchema }, strict: true },
            },
            max_completion_tokens: options.maxOutputTokens,
          },
          request.signal === undefined ? {} : { signal: request.signal },
        );
      } catch (error) {
        return { kind: 'failed', reason: failureReasonOf(error), model, usage: { inputTokens: 0, outputTokens: 0 } };
      }
      const usage: TokenUsage = { inputTokens: completion.usage?.prompt_tokens ?? 0, outputTokens: completion.usage?.completion_tokens ?? 0 };
      const answered = completion.model || model;
      const choice = completion.choices[0];
      if (choice === undefined) return { kind: 'failed', reason: 'no_output', model: answered, usage };
      const { message } = choice;
      if (message.refusal) return { kind: 'refused', text: message.refusal, model: answered, usage };
      if (choice.finish_reason === 'length') return { kind: 'truncated', text: message.content ?? '', model: answered, usage };
      if (choice.finish_reason === 'content_filter') return { kind: 'refused', text: message.content ?? '', model: answered, usage };
      return { kind: 'answer', text: message.content ?? '', model: answered, usage };
    },
  };
}
