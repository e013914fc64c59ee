import { randomBytes } from 'node:crypto';
import { keyBytes } from '@causeloop/platform/crypto';
import { canonicalUuid } from '@causeloop/platform/ids';
import { wrapDataKey } from '../keyring/wrapped-key.js';
import { invalidWorkspaceId } from '../workspace-id.js';
import type { CryptoServiceImpl, HandlerDeps } from './handler-deps.js';

/** GenerateDataKey: 32 fresh random bytes, wrapped by the primary KEK for one workspace. */
export function generateDataKey({ keyring, metrics }: HandlerDeps): CryptoServiceImpl['generateDataKey'] {
  return async (request) => {
    const done = metrics.duration.startTimer({ operation: 'generate' });
    try {
      const workspaceId = canonicalUuid(request.workspaceId);
      if (workspaceId === undefined) {
        metrics.operations.inc({ operation: 'generate', outcome: 'invalid_argument' });
        throw invalidWorkspaceId();
      }
      const { primary } = keyring.current;
      const plaintextKey = randomBytes(keyBytes);
      const wrappedKey = wrapDataKey(primary, workspaceId, plaintextKey);
      metrics.operations.inc({ operation: 'generate', outcome: 'ok' });
      return { plaintextKey, wrappedKey, kekVersion: primary.version };
    } finally {
      done();
    }
  };
}
