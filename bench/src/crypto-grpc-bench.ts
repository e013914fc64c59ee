import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { CryptoService } from '@causeloop/proto/causeloop/crypto/v1/crypto_pb.js';
import { open, prepareKey } from '@causeloop/platform/crypto';
import { createGrpcClient } from '@causeloop/platform/grpc';
import { startServiceProcess, type ServiceProcess } from '@causeloop/platform/service-process';
import { measure, report, type Measurement } from './measure.js';

const batchSize = 500;
const singleCalls = 20_000;
const batchCalls = 200;
const concurrency = 32;
/** The target this section reports against: batch unwrap on 2 cores. */
const targetDeksPerSecond = 20_000;

const repositoryRoot = path.resolve(import.meta.dirname, '../..');
const cryptoMain = path.join(repositoryRoot, 'services/crypto/dist/main.js');

/**
 * The crypto service as deployed: its own process (so its own core), real gRPC over
 * loopback, a random two-version keyring. Baseline: unwrapping the same keys in this
 * process with the platform's `open` (node:crypto) and no service around it, i.e. what a
 * DEK costs before gRPC, protobuf and the handler are added.
 */
export async function benchCryptoGrpc(): Promise<void> {
  const keks = [randomBytes(32), randomBytes(32)];
  const service = await startCryptoProcess(keks.map((key, index) => `${index + 1}:${key.toString('base64')}`).join(','));
  const client = createGrpcClient(CryptoService, { address: service.grpcAddress, defaultDeadlineMs: 30_000 });
  try {
    const workspaceIds = Array.from({ length: batchSize }, () => randomUUID());
    const generated = await Promise.all(workspaceIds.map((workspaceId) => client.generateDataKey({ workspaceId })));
    const keys = generated.map((key, index) => ({ workspaceId: workspaceIds[index]!, wrappedKey: key.wrappedKey }));

    // Baseline: the raw cost of the same unwraps in-process (format/version parsing skipped).
    const primary = prepareKey(keks[1]!);
    let cursor = 0;
    const rawBatch = await measure(
      `in-process open() x${batchSize} (node:crypto)`,
      async () => {
        for (const key of keys) open({ key: primary, prefixLength: 5, context: ['causeloop/dek-wrap/v1', key.workspaceId], sealed: key.wrappedKey });
      },
      { total: batchCalls, concurrency: 1 },
    );

    const single = await measure(
      `UnwrapDataKey over gRPC (${concurrency} in flight)`,
      () => client.unwrapDataKey(keys[cursor++ % keys.length]!),
      { total: singleCalls, concurrency },
    );
    const batch = await measure(
      `BatchUnwrapDataKeys of ${batchSize} over gRPC`,
      async () => {
        const { results } = await client.batchUnwrapDataKeys({ keys });
        if (results.some((result) => result.errorCode !== '')) throw new Error('a benchmark key did not unwrap');
      },
      { total: batchCalls, concurrency: 4 },
    );

    // DEKs per second: batches and the baseline measured per 500 keys, scaled per key.
    const perKey = (m: Measurement, label: string): Measurement => ({ ...m, label, opsPerSecond: m.opsPerSecond * batchSize });
    report(`Crypto service, DEK unwraps per second (service in its own process; batch figures x${batchSize})`, perKey(rawBatch, 'in-process open(), DEKs/s'), [
      { ...single, label: 'UnwrapDataKey, DEKs/s (one per call)' },
      perKey(batch, `BatchUnwrapDataKeys(${batchSize}), DEKs/s`),
    ]);
    const deksPerSecond = batch.opsPerSecond * batchSize;
    console.log(
      `  target: batch unwrap >= ${targetDeksPerSecond} DEKs/s on 2 cores: ${deksPerSecond.toFixed(0)} DEKs/s ${deksPerSecond >= targetDeksPerSecond ? 'met' : 'NOT met'}` +
        ` (latency figures for batch rows are per call of ${batchSize})`,
    );
  } finally {
    client.close();
    await service.stop();
  }
}

async function startCryptoProcess(masterKey: string): Promise<ServiceProcess> {
  return startServiceProcess({
    main: cryptoMain,
    cwd: repositoryRoot,
    // As deployed: info, so each call's access-log line is part of the cost measured.
    env: { NODE_ENV: 'production', LOG_LEVEL: 'info', CAUSELOOP_MASTER_KEY: masterKey },
    keepLines: false,
  });
}
