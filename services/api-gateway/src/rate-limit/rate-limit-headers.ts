import type { RateLimitDecision } from './gcra.js';
import type { RateLimitPolicy } from './policy.js';

// Field names as DESIGN §7 writes them (IETF httpapi ratelimit-headers draft, structured
// fields). HTTP names are case-insensitive; fastify stores them lower-cased anyway.
export const rateLimitPolicyHeader = 'RateLimit-Policy';
export const rateLimitHeader = 'RateLimit';
export const retryAfterHeader = 'Retry-After';

/** `"default";q=100;w=60`: the quota and its window in seconds. */
export function formatRateLimitPolicy(policy: RateLimitPolicy): string {
  return `${structuredString(policy.name)};q=${policy.limit};w=${policy.windowSeconds}`;
}

/** `"default";r=57;t=12`: requests remaining and seconds until the quota is whole again. */
export function formatRateLimit(policy: RateLimitPolicy, decision: RateLimitDecision): string {
  return `${structuredString(policy.name)};r=${decision.remaining};t=${decision.resetSeconds}`;
}

/** Whole seconds, never 0: `Retry-After: 0` invites an immediate retry that is denied again. */
export function formatRetryAfter(decision: RateLimitDecision): string {
  return String(Math.max(1, Math.ceil(decision.retryAfterSeconds)));
}

/** RFC 8941 sf-string; policy names are checked to be visible ASCII, so escaping suffices. */
function structuredString(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/**
 * Appends one member to a structured-field list header, so the per-client and
 * per-principal policies can both be reported on one answer.
 */
export function appendListMember(existing: unknown, member: string): string {
  return typeof existing === 'string' && existing !== '' ? `${existing}, ${member}` : member;
}
