import { batchRewrapDataKeys } from './handlers/batch-rewrap-data-keys.js';
import { batchUnwrapDataKeys } from './handlers/batch-unwrap-data-keys.js';
import { generateDataKey } from './handlers/generate-data-key.js';
import { getKeyringStatus } from './handlers/get-keyring-status.js';
import type { CryptoServiceImpl, HandlerDeps } from './handlers/handler-deps.js';
import { rewrapDataKey } from './handlers/rewrap-data-key.js';
import { unwrapDataKey } from './handlers/unwrap-data-key.js';

export type { CryptoServiceImpl, HandlerDeps } from './handlers/handler-deps.js';

/**
 * The six handlers of `causeloop.crypto.v1.CryptoService` over one keyring source, ready
 * for `server.addService(CryptoService, createCryptoService(deps))` in main.ts or a test.
 */
export function createCryptoService(deps: HandlerDeps): CryptoServiceImpl {
  return {
    generateDataKey: generateDataKey(deps),
    unwrapDataKey: unwrapDataKey(deps),
    batchUnwrapDataKeys: batchUnwrapDataKeys(deps),
    rewrapDataKey: rewrapDataKey(deps),
    batchRewrapDataKeys: batchRewrapDataKeys(deps),
    getKeyringStatus: getKeyringStatus(deps),
  };
}
