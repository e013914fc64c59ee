import { Counter, type Registry } from 'prom-client';

export type EnvelopeOperation = 'ensure_data_key' | 'encrypt' | 'decrypt';
/** `decryption_failed` is the generic caller-facing failure; `error` is anything else (database, crypto unavailable). */
export type EnvelopeOutcome = 'ok' | 'decryption_failed' | 'error';

export interface EnvelopeMetrics {
  readonly operations: Counter<'operation' | 'outcome'>;
  readonly decryptFailures: Counter<'reason'>;
  readonly dekCache: Counter<'result'>;
}

/**
 * Declares the envelope's counters on `registry`, or returns those already there, so
 * several envelopes in one process (or a test's second one) share them. Labels are
 * bounded: never a workspace id.
 */
export function createEnvelopeMetrics(registry: Registry): EnvelopeMetrics {
  return {
    operations: counter(registry, 'causeloop_envelope_operations_total', 'Envelope operations, by operation and outcome.', [
      'operation',
      'outcome',
    ]),
    decryptFailures: counter(
      registry,
      'causeloop_envelope_decrypt_failures_total',
      'Values that did not decrypt, by reason (callers only see decryption_failed).',
      ['reason'],
    ),
    dekCache: counter(registry, 'causeloop_envelope_dek_cache_total', 'DEK cache lookups, by hit or miss.', ['result']),
  };
}

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing !== undefined) {
    if (!(existing instanceof Counter)) throw new Error(`metric ${name} is registered with another type`);
    return existing as Counter<L>;
  }
  return new Counter({ name, help, labelNames, registers: [registry] });
}
