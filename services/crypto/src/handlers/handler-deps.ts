import type { CryptoService } from '@causeloop/proto/causeloop/crypto/v1/crypto_pb.js';
import type { ServiceImpl } from '@causeloop/platform/grpc';
import type { KeyringSource } from '../keyring/keyring-reloader.js';
import type { CryptoMetrics } from '../metrics.js';

/** What every handler is given; made once in main.ts (or a test) and shared. */
export interface HandlerDeps {
  readonly keyring: KeyringSource;
  readonly metrics: CryptoMetrics;
}

/** The handlers of `causeloop.crypto.v1.CryptoService`, typed from its descriptor. */
export type CryptoServiceImpl = ServiceImpl<typeof CryptoService>;
