import type { Counter, Registry } from 'prom-client';
import { metricCatalogue } from '../metrics/catalogue.js';
import { metric } from '../metrics/metric.js';

export type EnvelopeOperation = 'ensure_data_key' | 'encrypt' | 'decrypt';
/** `decryption_failed` is the generic caller-facing failure; `error` is anything else (database, crypto unavailable). */
export type EnvelopeOutcome = 'ok' | 'decryption_failed' | 'error';

export interface EnvelopeMetrics {
  readonly operations: Counter<'operation' | 'outcome'>;
  readonly decryptFailures: Counter<'reason'>;
  readonly dekCache: Counter<'result'>;
}

/**
 * The envelope's counters on `registry`, shared by several envelopes in one process (or a
 * test's second one). Labels are bounded: never a workspace id.
 */
export function createEnvelopeMetrics(registry: Registry): EnvelopeMetrics {
  const { envelope } = metricCatalogue;
  return {
    operations: metric(registry, envelope.operations),
    decryptFailures: metric(registry, envelope.decryptFailures),
    dekCache: metric(registry, envelope.dekCacheLookups),
  };
}
