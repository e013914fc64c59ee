import { Counter, type Registry } from 'prom-client';
import { isCauseloopError } from '../errors/causeloop-error.js';
import type { PresentedCredential } from './resolve-principal.js';

/** How resolving a caller ended: `expired` only where it is knowable (a principal assertion); auth answers one refusal for every bad token. */
export type AuthenticationResult = 'ok' | 'missing' | 'invalid' | 'expired' | 'error';
export type DenialReason = 'unauthenticated' | 'insufficient_scope' | 'internal_only';

/** The gate's counters; every label value comes from the closed sets above (bounded). */
export interface GateMetrics {
  readonly authentications: Counter<'result' | 'token_kind'>;
  readonly denied: Counter<'reason'>;
}

/**
 * Declares the gate's metrics on `registry`, or returns those already there: a process
 * guards several services with one registry (passed down from main.ts).
 */
export function createGateMetrics(registry: Registry): GateMetrics {
  return {
    authentications: counter(registry, 'causeloop_authentications_total', 'Callers of scoped RPCs resolved, by result and credential kind.', [
      'result',
      'token_kind',
    ]),
    denied: counter(registry, 'causeloop_calls_denied_total', 'RPC calls refused by the gate before their handler, by reason.', ['reason']),
  };
}

/** The result label of a failed resolution. A failure that is no refusal (auth down) is `error`. */
export function authenticationFailure(error: unknown, credential: PresentedCredential): Exclude<AuthenticationResult, 'ok'> {
  if (!isCauseloopError(error) || error.code !== 'unauthenticated') return 'error';
  if (credential === 'none') return 'missing';
  const cause = error.cause as { code?: unknown } | undefined;
  return cause?.code === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid';
}

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing !== undefined) {
    if (!(existing instanceof Counter)) throw new Error(`metric ${name} is registered with another type`);
    return existing as Counter<L>;
  }
  return new Counter({ name, help, labelNames, registers: [registry] });
}
