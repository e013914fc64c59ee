import { batchTooLarge, maxBatchKeys } from '../errors.js';
import type { CryptoServiceImpl, HandlerDeps } from './handler-deps.js';
import { createOutcomeTally, rewrapItem } from './item-outcome.js';

/**
 * BatchRewrapDataKeys: what a KEK rotation calls page by page; one result per key, in
 * request order, and a key that fails does not stop the others.
 */
export function batchRewrapDataKeys({ keyring, metrics }: HandlerDeps): CryptoServiceImpl['batchRewrapDataKeys'] {
  return async (request, context) => {
    if (request.keys.length > maxBatchKeys) {
      metrics.operations.inc({ operation: 'rewrap', outcome: 'invalid_argument' }, request.keys.length);
      throw batchTooLarge(request.keys.length);
    }
    const done = metrics.duration.startTimer({ operation: 'batch_rewrap' });
    const tally = createOutcomeTally('rewrap');
    // One keyring, so every key of the batch lands on the same primary.
    const current = keyring.current;
    const results = request.keys.map((item) => {
      const outcome = rewrapItem(current, item.workspaceId, item.wrappedKey);
      tally.add(outcome);
      return outcome.ok ? { wrappedKey: outcome.value.key, kekVersion: outcome.value.kekVersion } : { errorCode: outcome.code };
    });
    tally.flush(metrics);
    done();
    const failures = tally.failureReasons;
    if (Object.keys(failures).length > 0) context.logger.warn({ failures, keys: request.keys.length }, 'data keys did not rewrap');
    return { results };
  };
}
