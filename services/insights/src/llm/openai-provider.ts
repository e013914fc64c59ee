import OpenAI from 'openai';
import { sdkClientOptions, type LlmProvider, type ProviderAttempt, type SdkProviderOptions, type StructuredRequest, type TokenUsage } from './llm-provider.js';
import { failureReasonOf } from './provider-failure.js';

export type OpenAiProviderOptions = SdkProviderOptions;

/**
 * OpenAI through the official SDK's Chat Completions with Structured Outputs: the schema is
 * sent as `response_format: json_schema` with `strict: true`, so the model is constrained to
 * it; the answer is still validated like any other. A `refusal` is final, and
 * `finish_reason: length` means the JSON was cut off.
 */
export function createOpenAiProvider(options: OpenAiProviderOptions): LlmProvider {
  const client = new OpenAI(sdkClientOptions(options));
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
