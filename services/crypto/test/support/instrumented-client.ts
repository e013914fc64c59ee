import { setTimeout as sleep } from 'node:timers/promises';
import type { CryptoService } from '@causeloop/proto/causeloop/crypto/v1/crypto_pb.js';
import type { GrpcClient } from '@causeloop/platform/grpc';

/** What an envelope needs of the crypto client. */
type EnvelopeCrypto = Pick<GrpcClient<typeof CryptoService>, 'generateDataKey' | 'unwrapDataKey'>;

/**
 * The real crypto client, observed: counts calls, keeps every DEK handed out (to check none
 * leaks into an error), and can slow unwraps down (so concurrent callers overlap) or send
 * a corrupted wrapped key (so the real service refuses it). Every call still goes over
 * gRPC to the real service.
 */
export interface InstrumentedCryptoClient extends EnvelopeCrypto {
  readonly calls: { generateDataKey: number; unwrapDataKey: number };
  readonly issuedKeys: Buffer[];
  unwrapDelayMs: number;
  corruptUnwraps: boolean;
}

export function instrumentCryptoClient(client: EnvelopeCrypto): InstrumentedCryptoClient {
  const instrumented: InstrumentedCryptoClient = {
    calls: { generateDataKey: 0, unwrapDataKey: 0 },
    issuedKeys: [],
    unwrapDelayMs: 0,
    corruptUnwraps: false,
    async generateDataKey(request, options) {
      instrumented.calls.generateDataKey += 1;
      const response = await client.generateDataKey(request, options);
      instrumented.issuedKeys.push(Buffer.from(response.plaintextKey));
      return response;
    },
    async unwrapDataKey(request, options) {
      instrumented.calls.unwrapDataKey += 1;
      if (instrumented.unwrapDelayMs > 0) await sleep(instrumented.unwrapDelayMs);
      const wrappedKey = Buffer.from(request.wrappedKey ?? new Uint8Array());
      if (instrumented.corruptUnwraps) wrappedKey[wrappedKey.length - 1]! ^= 0x01;
      return client.unwrapDataKey({ ...request, wrappedKey }, options);
    },
  };
  return instrumented;
}
