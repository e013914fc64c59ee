import { Counter, Histogram, type Registry } from '@causeloop/platform/metrics';
import { unwrapFailureReasons, type UnwrapFailureReason } from './keyring/wrapped-key.js';

/** `operation` of the operations counter: batches count each item under its own kind. */
export type CryptoOperation = 'generate' | 'unwrap' | 'rewrap' | 'status';
/** `operation` of the duration histogram: one observation per call, batches apart. */
export type TimedOperation = CryptoOperation | 'batch_unwrap' | 'batch_rewrap';
export type OperationOutcome = 'ok' | 'decryption_failed' | 'invalid_argument';
export type ReloadOutcome = 'updated' | 'unchanged' | 'failed';

export interface CryptoMetrics {
  readonly operations: Counter<'operation' | 'outcome'>;
  readonly duration: Histogram<'operation'>;
  readonly decryptFailures: Counter<'reason'>;
  readonly keyringReloads: Counter<'outcome'>;
}

// Single operations take tens of microseconds; a batch of 1,000 a few tens of milliseconds.
const durationBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/**
 * The crypto service's domain metrics, declared on the process registry made in main.ts.
 * Labels are closed sets (operation, outcome, reason): never a workspace or key version.
 */
export function createCryptoMetrics(registry: Registry): CryptoMetrics {
  const metrics: CryptoMetrics = {
    operations: new Counter({
      name: 'causeloop_crypto_operations_total',
      help: 'Data-key operations, batch items counted one by one, by outcome.',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'causeloop_crypto_operation_duration_seconds',
      help: 'Time to serve one crypto call (a batch is one observation under batch_*).',
      labelNames: ['operation'],
      buckets: durationBuckets,
      registers: [registry],
    }),
    decryptFailures: new Counter({
      name: 'causeloop_crypto_decrypt_failures_total',
      help: 'Wrapped data keys that did not unwrap, by reason (callers only see decryption_failed).',
      labelNames: ['reason'],
      registers: [registry],
    }),
    keyringReloads: new Counter({
      name: 'causeloop_crypto_keyring_reloads_total',
      help: 'Re-reads of CAUSELOOP_MASTER_KEY_FILE, by outcome (failed keeps the previous keyring).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
  // Zero series from the start, so an alert on a rate sees the first failure too.
  for (const reason of unwrapFailureReasons) metrics.decryptFailures.inc({ reason }, 0);
  for (const outcome of reloadOutcomes) metrics.keyringReloads.inc({ outcome }, 0);
  return metrics;
}

const reloadOutcomes: readonly ReloadOutcome[] = ['updated', 'unchanged', 'failed'];

export function countDecryptFailure(metrics: CryptoMetrics, reason: UnwrapFailureReason, count = 1): void {
  metrics.decryptFailures.inc({ reason }, count);
}
