import { startFakeLlmServer, type FakeLlmServer, type FakeReply } from './fake-llm-server.js';

// OpenAI's Chat Completions wire format (POST /v1/chat/completions), as the openai SDK reads it.

export function startFakeOpenAi(): Promise<FakeLlmServer> {
  return startFakeLlmServer({ pathPrefix: '/v1', requestIdHeader: 'x-request-id' });
}

export interface CompletionOptions {
  readonly content?: string | null;
  readonly refusal?: string | null;
  readonly finishReason?: 'stop' | 'length' | 'content_filter';
  readonly model?: string;
}

/** A chat.completion object with one choice. */
export function openAiCompletion(options: CompletionOptions): FakeReply {
  return {
    status: 200,
    body: {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: 1_765_000_000,
      model: options.model ?? 'gpt-5.5-2026-04-23',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: options.content ?? null, refusal: options.refusal ?? null, annotations: [] },
          logprobs: null,
          finish_reason: options.finishReason ?? 'stop',
        },
      ],
      usage: { prompt_tokens: 120, completion_tokens: 45, total_tokens: 165 },
      system_fingerprint: 'fp_fake',
    },
  };
}

/** An API error as OpenAI sends it. */
export function openAiError(status: number, headers: Readonly<Record<string, string>> = {}): FakeReply {
  const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return { status, headers, body: { error: { message: `fake ${status}`, type, param: null, code: type } } };
}
