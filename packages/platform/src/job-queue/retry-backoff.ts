/** Milliseconds to wait before retrying after attempt number `attempt` (1-based) failed. */
export type RetryBackoff = (attempt: number) => number;

/** `baseMs` after the first failure, doubling each attempt, never more than `maxMs`. */
export function exponentialBackoff(options: { readonly baseMs?: number; readonly maxMs?: number } = {}): RetryBackoff {
  const baseMs = options.baseMs ?? 1_000;
  const maxMs = options.maxMs ?? 300_000;
  return (attempt) => Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
