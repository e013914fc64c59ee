import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { metric, metricCatalogue, type Counter, type Registry } from '@causeloop/platform/metrics';
import { CauseloopError, errorCatalogue } from '@causeloop/platform/errors';
import { createClientAddressResolver, type ClientAddressResolver } from './client-address.js';
import type { RateLimiter } from './gcra.js';
import { assertValidPolicy, defaultClientPolicy, defaultPrincipalPolicy, type RateLimitPolicy } from './policy.js';
import {
  appendListMember,
  formatRateLimit,
  formatRateLimitPolicy,
  formatRetryAfter,
  rateLimitHeader,
  rateLimitPolicyHeader,
  retryAfterHeader,
} from './rate-limit-headers.js';

export interface RateLimitOptions {
  readonly limiter: RateLimiter;
  /** Metrics registry of the process (created in `main.ts`, never the global one). */
  readonly registry: Registry;
  /** Per client address, before authentication. Default `default`: 1000 per 60 s. */
  readonly clientPolicy?: RateLimitPolicy;
  /** Per principal, applied by `limitPrincipal`. Default `principal`: 600 per 60 s. */
  readonly principalPolicy?: RateLimitPolicy;
  /** Route URL as declared (`/v1/workspaces/:id`) → a policy used instead of `clientPolicy`. */
  readonly routePolicies?: Readonly<Record<string, RateLimitPolicy>>;
  /** Default: trusts no proxy, i.e. the TCP peer is the client. */
  readonly resolveClientAddress?: ClientAddressResolver;
  /**
   * Lets the core render the 429 like its other problems (trace id, extra members).
   * Headers are already set when it is called. Default: sends `problem` as is.
   */
  readonly sendProblem?: (request: FastifyRequest, reply: FastifyReply, problem: RateLimitProblem) => void;
}

/** RFC 9457 problem details for a 429. */
export interface RateLimitProblem {
  readonly type: string;
  readonly title: string;
  readonly status: 429;
  readonly detail: string;
  readonly code: 'rate_limited';
}

interface RateLimitState {
  readonly limiter: RateLimiter;
  readonly clientPolicy: RateLimitPolicy;
  readonly principalPolicy: RateLimitPolicy;
  readonly routePolicies: ReadonlyMap<string, RateLimitPolicy>;
  readonly resolveClientAddress: ClientAddressResolver;
  readonly rateLimited: Counter<'policy'>;
  readonly sendProblem: NonNullable<RateLimitOptions['sendProblem']>;
  /** Each policy's `RateLimit-Policy` member, formatted once: it never changes. */
  readonly policyMembers: ReadonlyMap<RateLimitPolicy, string>;
}

// Weakly keyed by request, so `limitPrincipal` finds the options of the app that saw the
// request without a request decorator or anything outliving the request.
const stateByRequest = new WeakMap<FastifyRequest, RateLimitState>();

/**
 * Limits every request by client address in `onRequest`, i.e. before routing work,
 * body parsing and authentication. Register on the root instance before the routes.
 */
export function registerRateLimit(app: FastifyInstance, options: RateLimitOptions): void {
  const state = resolveState(options);
  app.addHook('onRequest', async (request, reply) => {
    stateByRequest.set(request, state);
    const policy = routePolicy(state, request) ?? state.clientPolicy;
    const address = state.resolveClientAddress(
      request.socket.remoteAddress ?? '',
      headerValue(request.headers['x-forwarded-for']),
    );
    const allowed = await enforce(state, request, reply, policy, `ip:${address}`);
    // An async hook that has answered must return the reply so fastify stops there.
    return allowed ? undefined : reply;
  });
}

/**
 * The per-principal policy, for the core to call once authentication has identified the
 * caller. Returns false when it has answered 429; the caller must then return `reply`.
 */
export async function limitPrincipal(request: FastifyRequest, reply: FastifyReply, principalKey: string): Promise<boolean> {
  const state = stateByRequest.get(request);
  if (state === undefined) {
    throw new Error('limitPrincipal: registerRateLimit did not see this request; register it on the root instance');
  }
  return enforce(state, request, reply, state.principalPolicy, `principal:${principalKey}`);
}

async function enforce(
  state: RateLimitState,
  request: FastifyRequest,
  reply: FastifyReply,
  policy: RateLimitPolicy,
  key: string,
): Promise<boolean> {
  const decision = await state.limiter.take(key, policy);
  const member = state.policyMembers.get(policy) ?? formatRateLimitPolicy(policy);
  reply.header(rateLimitPolicyHeader, appendListMember(reply.getHeader(rateLimitPolicyHeader), member));
  reply.header(rateLimitHeader, appendListMember(reply.getHeader(rateLimitHeader), formatRateLimit(policy, decision)));
  if (decision.allowed) return true;

  state.rateLimited.inc({ policy: policy.name });
  const retryAfter = formatRetryAfter(decision);
  reply.header(retryAfterHeader, retryAfter);
  reply.code(429);
  state.sendProblem(request, reply, {
    type: 'https://causeloop.dev/problems/rate_limited',
    title: errorCatalogue.rate_limited.title,
    status: 429,
    detail: `Rate limit "${policy.name}" of ${policy.limit} requests per ${policy.windowSeconds} s exceeded; retry in ${retryAfter} s.`,
    code: 'rate_limited',
  });
  return false;
}

function resolveState(options: RateLimitOptions): RateLimitState {
  const clientPolicy = options.clientPolicy ?? defaultClientPolicy;
  const principalPolicy = options.principalPolicy ?? defaultPrincipalPolicy;
  const routePolicies = new Map(Object.entries(options.routePolicies ?? {}));
  const all = [clientPolicy, principalPolicy, ...routePolicies.values()];
  // The limiter keeps one bucket space per policy name: two policies sharing a name
  // with different quotas would silently fight over the same buckets.
  const byName = new Map<string, RateLimitPolicy>();
  for (const policy of all) {
    assertValidPolicy(policy);
    const seen = byName.get(policy.name);
    if (seen !== undefined && (seen.limit !== policy.limit || seen.windowSeconds !== policy.windowSeconds)) {
      throw new CauseloopError('config_invalid', `two rate-limit policies are named ${JSON.stringify(policy.name)} with different quotas`);
    }
    byName.set(policy.name, policy);
  }
  return {
    limiter: options.limiter,
    clientPolicy,
    principalPolicy,
    routePolicies,
    resolveClientAddress: options.resolveClientAddress ?? createClientAddressResolver({ trustedProxies: [] }),
    rateLimited: metric(options.registry, metricCatalogue.gateway.rateLimited),
    sendProblem: options.sendProblem ?? sendProblemJson,
    policyMembers: new Map(all.map((policy) => [policy, formatRateLimitPolicy(policy)])),
  };
}

/**
 * The policy of the request's route, if one has its own. Without route policies (the
 * gateway's configuration) the route is not looked up: fastify builds a new
 * `routeOptions` object on every read.
 */
function routePolicy(state: RateLimitState, request: FastifyRequest): RateLimitPolicy | undefined {
  if (state.routePolicies.size === 0) return undefined;
  const url = request.routeOptions.url;
  return url === undefined ? undefined : state.routePolicies.get(url);
}

function sendProblemJson(_request: FastifyRequest, reply: FastifyReply, problem: RateLimitProblem): void {
  reply.type('application/problem+json').send(JSON.stringify(problem));
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}
