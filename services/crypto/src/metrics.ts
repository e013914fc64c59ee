import { metric, metricCatalogue, type Counter, type Histogram, type Registry } from '@causeloop/platform/metrics';
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

/**
 * The crypto service's domain metrics on the process registry made in main.ts. Labels are
 * closed sets (operation, outcome, reason): never a workspace or key version.
 */
export function createCryptoMetrics(registry: Registry): CryptoMetrics {
  const { crypto } = metricCatalogue;
  const metrics: CryptoMetrics = {
    operations: metric(registry, crypto.operations),
    duration: metric(registry, crypto.operationDuration),
    decryptFailures: metric(registry, crypto.decryptFailures),
    keyringReloads: metric(registry, crypto.keyringReloads),
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
