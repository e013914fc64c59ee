import { batchTooLarge, maxBatchKeys } from '../errors.js';
import type { CryptoServiceImpl, HandlerDeps } from './handler-deps.js';
import { createOutcomeTally, unwrapItem } from './item-outcome.js';

/**
 * BatchUnwrapDataKeys: one result per key, in request order. A bad key fails alone
 * (`error_code`), so one corrupt row does not block a page of good ones.
 */
export function batchUnwrapDataKeys({ keyring, metrics }: HandlerDeps): CryptoServiceImpl['batchUnwrapDataKeys'] {
  return async (request, context) => {
    if (request.keys.length > maxBatchKeys) {
      metrics.operations.inc({ operation: 'unwrap', outcome: 'invalid_argument' }, request.keys.length);
      throw batchTooLarge(request.keys.length);
    }
    const done = metrics.duration.startTimer({ operation: 'batch_unwrap' });
    const tally = createOutcomeTally('unwrap');
    // One keyring for the whole batch, even if a reload lands meanwhile.
    const current = keyring.current;
    const results = request.keys.map((item) => {
      const outcome = unwrapItem(current, item.workspaceId, item.wrappedKey);
      tally.add(outcome);
      return outcome.ok
        ? { plaintextKey: outcome.value.key, kekVersion: outcome.value.kekVersion }
        : { errorCode: outcome.code };
    });
    tally.flush(metrics);
    done();
    const failures = tally.failureReasons;
    if (Object.keys(failures).length > 0) context.logger.warn({ failures, keys: request.keys.length }, 'data keys did not unwrap');
    return { results };
  };
}
