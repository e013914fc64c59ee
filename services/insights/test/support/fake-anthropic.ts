import { startFakeLlmServer, type FakeLlmServer, type FakeReply, type ReceivedRequest } from './fake-llm-server.js';

// Anthropic's Messages wire format (POST /v1/messages), as @anthropic-ai/sdk reads it.

export function startFakeAnthropic(): Promise<FakeLlmServer> {
  // The SDK appends /v1/messages to its base URL itself.
  return startFakeLlmServer({ pathPrefix: '', requestIdHeader: 'request-id' });
}

type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'refusal';

function message(content: unknown[], stopReason: StopReason, model = 'claude-sonnet-4-6-20260101'): FakeReply {
  return {
    status: 200,
    body: {
      id: 'msg_fake',
      type: 'message',
      role: 'assistant',
      model,
      content,
      container: null,
      diagnostics: null,
      stop_reason: stopReason,
      stop_sequence: null,
      stop_details: stopReason === 'refusal' ? { type: 'refusal', category: null, explanation: null } : null,
      usage: { input_tokens: 130, output_tokens: 50, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, cache_creation: null, inference_geo: null, server_tool_use: null, service_tier: 'standard' },
    },
  };
}

/** The name of the tool the request forces (`tool_choice`). */
export const forcedTool = (request: ReceivedRequest) => (request.body['tool_choice'] as { name: string }).name;

/** The forced tool called with `input`. */
export function anthropicToolUse(request: ReceivedRequest, input: unknown, stopReason: StopReason = 'tool_use'): FakeReply {
  return message([{ type: 'tool_use', id: 'toolu_fake', name: forcedTool(request), input, caller: { type: 'direct' } }], stopReason);
}

export function anthropicRefusal(): FakeReply {
  return message([{ type: 'text', text: 'I can’t help with that.', citations: null }], 'refusal');
}

/** An API error as Anthropic sends it. */
export function anthropicError(status: number, headers: Readonly<Record<string, string>> = {}): FakeReply {
  const type = status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
  return { status, headers, body: { type: 'error', error: { type, message: `fake ${status}` }, request_id: 'req_fake' } };
}
