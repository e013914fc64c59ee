import { dataKeyUnwrapFailed } from '../errors.js';
import { invalidWorkspaceId } from '../workspace-id.js';
import type { CryptoServiceImpl, HandlerDeps } from './handler-deps.js';
import { createOutcomeTally, rewrapItem } from './item-outcome.js';

/** RewrapDataKey: the same DEK under the primary KEK; the plaintext never leaves the service. */
export function rewrapDataKey({ keyring, metrics }: HandlerDeps): CryptoServiceImpl['rewrapDataKey'] {
  return async (request, context) => {
    const done = metrics.duration.startTimer({ operation: 'rewrap' });
    const tally = createOutcomeTally('rewrap');
    try {
      const outcome = rewrapItem(keyring.current, request.workspaceId, request.wrappedKey);
      tally.add(outcome);
      if (outcome.ok) return { wrappedKey: outcome.value.key, kekVersion: outcome.value.kekVersion };
      if (outcome.code === 'invalid_argument') throw invalidWorkspaceId();
      context.logger.warn({ reason: outcome.reason, kek_version: outcome.kekVersion }, 'data key did not unwrap for rewrap');
      throw dataKeyUnwrapFailed();
    } finally {
      tally.flush(metrics);
      done();
    }
  };
}
