import { CauseloopError } from '@causeloop/platform/errors';

/** A quota: `limit` requests per `windowSeconds`, named for headers and metrics. */
export interface RateLimitPolicy {
  /** Appears in `RateLimit-Policy`/`RateLimit` and as the metric label, so keep it short and static. */
  readonly name: string;
  readonly limit: number;
  readonly windowSeconds: number;
}

/** DESIGN §7: 1,000 requests per minute per client IP across all routes. */
export const defaultClientPolicy: RateLimitPolicy = Object.freeze({ name: 'default', limit: 1000, windowSeconds: 60 });

export const defaultPrincipalPolicy: RateLimitPolicy = Object.freeze({ name: 'principal', limit: 600, windowSeconds: 60 });

// Printable ASCII is what a structured-field string may carry; the name is also a metric
// label, so anything exotic is more likely a mistake than a wish.
const policyNamePattern = /^[\x21-\x7e]{1,64}$/;

/**
 * Policies come from configuration; checking them once at start means the hot path and
 * the headers can trust them (`q` and `w` must be positive integers in the IETF fields).
 */
export function assertValidPolicy(policy: RateLimitPolicy): void {
  const problems: string[] = [];
  if (!policyNamePattern.test(policy.name)) problems.push('name must be 1–64 visible ASCII characters');
  if (!Number.isSafeInteger(policy.limit) || policy.limit < 1) problems.push('limit must be a positive integer');
  if (!Number.isSafeInteger(policy.windowSeconds) || policy.windowSeconds < 1) {
    problems.push('windowSeconds must be a positive integer');
  }
  if (problems.length > 0) {
    throw new CauseloopError('config_invalid', `rate-limit policy ${JSON.stringify(policy.name)} is invalid: ${problems.join('; ')}`);
  }
}
