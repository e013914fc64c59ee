import { randomBytes, randomUUID } from 'node:crypto';
import { CryptoService } from '@causeloop/proto/causeloop/crypto/v1/crypto_pb.js';
import { createMetricsRegistry, type Registry } from '@causeloop/platform/metrics';
import { createGrpcClient, type GrpcClient } from '@causeloop/platform/grpc';
import { serveOnLoopback } from '@causeloop/platform/testing';
import { createKeyring, type Keyring } from '../../src/keyring/keyring.js';
import { createStaticKeyringSource, type KeyringSource } from '../../src/keyring/keyring-reloader.js';
import { createCryptoMetrics, type CryptoMetrics } from '../../src/metrics.js';
import { createCryptoService } from '../../src/service.js';

export interface RunningCrypto {
  readonly client: GrpcClient<typeof CryptoService>;
  readonly registry: Registry;
  readonly metrics: CryptoMetrics;
  close(): Promise<void>;
}

/** A real gRPC server on a loopback port with the given keyring, and a client for it. */
export async function startCrypto(
  keyring: Keyring | ((metrics: CryptoMetrics, registry: Registry) => KeyringSource),
): Promise<RunningCrypto> {
  const registry = createMetricsRegistry({ service: 'crypto' });
  const metrics = createCryptoMetrics(registry);
  const source = typeof keyring === 'function' ? keyring(metrics, registry) : createStaticKeyringSource(keyring);
  const server = await serveOnLoopback((grpc) => grpc.addService(CryptoService, createCryptoService({ keyring: source, metrics })), {
    registry,
  });
  const client = createGrpcClient(CryptoService, { address: server.address, defaultDeadlineMs: 5_000 });
  return {
    client,
    registry,
    metrics,
    async close() {
      client.close();
      await server.close();
    },
  };
}

export const randomKey = (): Buffer => randomBytes(32);

/** A keyring of fresh random keys, one per version. */
export function randomKeyring(
  versions: readonly number[],
  options: { primaryVersion?: number; minDecryptionVersion?: number } = {},
): { keyring: Keyring; keys: Map<number, Buffer> } {
  const keys = new Map(versions.map((version) => [version, randomKey()]));
  const keyring = createKeyring({
    entries: [...keys].map(([version, key]) => ({ version, key })),
    ...options,
  });
  return { keyring, keys };
}

export const newWorkspaceId = (): string => randomUUID();

/** The value of one counter series from the registry's text exposition. */
export async function counterValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  const match = metric?.values.find((value) =>
    Object.entries(labels).every(([label, expected]) => String((value.labels as Record<string, unknown>)[label]) === expected),
  );
  return match?.value ?? 0;
}
