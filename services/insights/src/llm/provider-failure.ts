import type { FailureReason } from './llm-provider.js';

/**
 * Why an SDK call threw, from what both SDKs' errors carry: an HTTP status for an API error
 * (after the SDK's own retries), and the error class's name for a timeout, a lost connection
 * or the caller's abort. Names rather than `instanceof`, as everywhere else here.
 */
export function failureReasonOf(error: unknown): FailureReason {
  const name = error instanceof Error ? error.constructor.name : '';
  if (name === 'APIUserAbortError') return 'aborted';
  if (name === 'APIConnectionTimeoutError') return 'timeout';
  if (name === 'APIConnectionError') return 'connection';
  const status = typeof error === 'object' && error !== null && 'status' in error ? (error as { status: unknown }).status : undefined;
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  if (typeof status === 'number' && status >= 500) return 'server_error';
  return 'request_rejected';
}
