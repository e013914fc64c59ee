import Anthropic from '@anthropic-ai/sdk';
import { sdkClientOptions, type LlmProvider, type ProviderAttempt, type SdkProviderOptions, type StructuredRequest, type TokenUsage } from './llm-provider.js';
import { failureReasonOf } from './provider-failure.js';

export type AnthropicProviderOptions = SdkProviderOptions;

/**
 * Anthropic through the official SDK's Messages API with a forced tool call: one tool whose
 * input schema is the output schema, and `tool_choice` naming it, so the answer is the
 * tool_use block's input. `stop_reason: refusal` is final; `max_tokens` means the input was
 * cut off.
 */
export function createAnthropicProvider(options: AnthropicProviderOptions): LlmProvider {
  const client = new Anthropic(sdkClientOptions(options));
  return {
    name: 'anthropic',
    modelFor: (tier) => options.models[tier],
    async attempt(request: StructuredRequest): Promise<ProviderAttempt> {
      const model = options.models[request.tier];
      const tool = `record_${request.schema.name}`;
      let message: Anthropic.Messages.Message;
      try {
        message = await client.messages.create(
          {
            model,
            max_tokens: options.maxOutputTokens,
            system: request.system,
            messages: [{ role: 'user', content: request.user }],
            tools: [
              {
                name: tool,
                description: `Record the ${request.schema.name} as structured data.`,
                input_schema: { type: 'object', ...request.schema.jsonSchema },
              },
            ],
            tool_choice: { type: 'tool', name: tool },
          },
          request.signal === undefined ? {} : { signal: request.signal },
        );
      } catch (error) {
        return { kind: 'failed', reason: failureReasonOf(error), model, usage: { inputTokens: 0, outputTokens: 0 } };
      }
      const usage: TokenUsage = { inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens };
      const answered = message.model || model;
      const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
      const call = message.content.find((block) => block.type === 'tool_use' && block.name === tool);
      const input = call === undefined || !('input' in call) ? undefined : JSON.stringify(call.input);
      if (message.stop_reason === 'refusal') return { kind: 'refused', text, model: answered, usage };
      if (message.stop_reason === 'max_tokens') return { kind: 'truncated', text: input ?? text, model: answered, usage };
      // No tool call despite tool_choice: the text is what came back, and it fails validation.
      return { kind: 'answer', text: input ?? text, model: answered, usage };
    },
  };
}
