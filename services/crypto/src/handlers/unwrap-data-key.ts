import { dataKeyUnwrapFailed } from '../errors.js';
import { invalidWorkspaceId } from '../workspace-id.js';
import type { CryptoServiceImpl, HandlerDeps } from './handler-deps.js';
import { createOutcomeTally, unwrapItem } from './item-outcome.js';

/** UnwrapDataKey: the plaintext DEK of one wrapped key, or the one generic failure. */
export function unwrapDataKey({ keyring, metrics }: HandlerDeps): CryptoServiceImpl['unwrapDataKey'] {
  return async (request, context) => {
    const done = metrics.duration.startTimer({ operation: 'unwrap' });
    const tally = createOutcomeTally('unwrap');
    try {
      const outcome = unwrapItem(keyring.current, request.workspaceId, request.wrappedKey);
      tally.add(outcome);
      if (outcome.ok) return { plaintextKey: outcome.value.key, kekVersion: outcome.value.kekVersion };
      if (outcome.code === 'invalid_argument') throw invalidWorkspaceId();
      context.logger.warn({ reason: outcome.reason, kek_version: outcome.kekVersion }, 'data key did not unwrap');
      throw dataKeyUnwrapFailed();
    } finally {
      tally.flush(metrics);
      done();
    }
  };
}
