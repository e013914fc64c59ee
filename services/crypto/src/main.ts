// The crypto service: the only holder of key-encryption keys (DESIGN.md §5). Wiring only,
// as in the README's example; no database, crypto never touches PostgreSQL.
import { CryptoService } from '@causeloop/proto/causeloop/crypto/v1/crypto_pb.js';
import { loadConfig } from '@causeloop/platform/config';
import { createGrpcServer } from '@causeloop/platform/grpc';
import { createServiceRuntime, runService, serveGrpc, serveOps } from '@causeloop/platform/runtime';
import { cryptoConfigSchema } from './config.js';
import { describeKeyring } from './keyring/keyring.js';
import { createKeyringReloader, createStaticKeyringSource, type KeyringSource } from './keyring/keyring-reloader.js';
import { loadKeyring } from './keyring/load-keyring.js';
import { createCryptoMetrics } from './metrics.js';
import { checkKeyringRoundTrip, runSelfTest } from './self-test.js';
import { createCryptoService } from './service.js';

await runService('crypto', async () => {
  const config = loadConfig(cryptoConfigSchema);
  const keyring = await loadKeyring(config); // refuses: no KEK, both sources, bad keys, dev key in production
  const runtime = createServiceRuntime({ service: 'crypto', ...config }); // logger, metrics, readiness, SIGTERM
  const metrics = createCryptoMetrics(runtime.registry);
  let selfTested = false;
  runtime.readiness.register('self-test', async () => {
    if (!selfTested) throw new Error('the crypto self-test has not run yet');
  });
  const opsPort = await serveOps(runtime, { port: config.opsPort }); // /health /ready /metrics

  runSelfTest(keyring); // known answers + round trip with every active KEK; throws → exit 1
  selfTested = true;
  runtime.logger.info({ keyring: describeKeyring(keyring) }, 'keyring loaded'); // versions and fingerprints only

  let source: KeyringSource = createStaticKeyringSource(keyring);
  if (config.masterKeyFile !== undefined) {
    const reloader = createKeyringReloader({
      file: config.masterKeyFile,
      config,
      initial: keyring,
      logger: runtime.logger,
      metrics,
      verify: checkKeyringRoundTrip,
    });
    reloader.start(config.masterKeyReloadMs);
    runtime.lifecycle.onShutdown('keyring reload', () => reloader.stop());
    source = reloader;
  }

  const server = createGrpcServer({ logger: runtime.logger, registry: runtime.registry });
  server.addService(CryptoService, createCryptoService({ keyring: source, metrics }));
  const grpcPort = await serveGrpc(runtime, server, { host: config.grpcHost, port: config.grpcPort });
  runtime.started();
  runtime.logger.info({ grpc_port: grpcPort, ops_port: opsPort }, 'crypto service ready');
});
