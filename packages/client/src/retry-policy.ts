import { getOption, hasOption, type DescMethod } from '@bufbuild/protobuf';
import { http } from '@causeloop/proto/causeloop/common/v1/http_pb.js';

export interface RetryPolicy {
  /** Attempts in all, the first included; 1 turns retries off. */
  readonly maxAttempts: number;
  /** Cap of the first backoff; each later one doubles, up to `maxBackoffMs`. */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

/** Small on purpose: a retry storm against a recovering service is worse than one failure. */
export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 4, initialBackoffMs: 100, maxBackoffMs: 2_000 };

/**
 * Whether an RPC may be sent again after UNAVAILABLE: only reads, i.e. RPCs whose
 * `causeloop.common.v1.http` rule (the option the gateway routes by) says GET. A write
 * that failed UNAVAILABLE may still have been applied, so it is never repeated; an RPC
 * without a rule is not known to be a read.
 */
export function isIdempotentRead(method: DescMethod): boolean {
  return hasOption(method, http) && getOption(method, http).method.toUpperCase() === 'GET';
}

/**
 * "Full jitter" backoff before attempt `attempt + 1` (AWS architecture blog, "Exponential
 * backoff and jitter"): uniform in [0, min(max, initial · 2^(attempt-1))), so clients that
 * failed together do not come back together.
 */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Refuses a policy that would never call, or back off by a negative or endless delay. */
export function validRetryPolicy(policy: RetryPolicy): boolean {
  return (
    Number.isInteger(policy.maxAttempts) &&
    policy.maxAttempts >= 1 &&
    policy.maxAttempts <= 10 &&
    Number.isFinite(policy.initialBackoffMs) &&
    Number.isFinite(policy.maxBackoffMs) &&
    policy.initialBackoffMs >= 0 &&
    policy.maxBackoffMs >= policy.initialBackoffMs
  );
}
