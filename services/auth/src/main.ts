// The auth service (DESIGN §6): identity-provider exchange, Causeloop access and refresh
// tokens, personal access tokens, service accounts, Authenticate/Authorize. Wiring only.
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { loadConfig } from '@causeloop/platform/config';
import { createGrpcServer } from '@causeloop/platform/grpc';
import { connectDatabase, createServiceRuntime, runService, serveGrpc, serveOps } from '@causeloop/platform/runtime';
import { authConfigSchema, resolveAuthConfig } from './config.js';
import { createAuthDeps } from './create-deps.js';
import { createAuthMetrics } from './metrics.js';
import { createAuthService } from './service.js';

await runService('auth', async () => {
  // Refuses: a short JWT_SECRET; unset or the development one under production; a partial
  // IDP_* triple; no (or a non-Ed25519) principal-assertion key.
  const config = resolveAuthConfig(loadConfig(authConfigSchema));
  const runtime = createServiceRuntime({ service: 'auth', ...config }); // logger, metrics, readiness, SIGTERM
  const metrics = createAuthMetrics(runtime.registry);
  const opsPort = await serveOps(runtime, { port: config.opsPort }); // /health /ready /metrics

  const pool = await connectDatabase(runtime, { databaseUrl: config.databaseUrl, max: config.databasePoolMax });
  const { deps, assertionVerifier } = createAuthDeps(config, pool, metrics);
  if (config.assertionKeyEphemeral) {
    runtime.logger.warn('no PRINCIPAL_ASSERTION_PRIVATE_KEY: signing principal assertions with a throwaway key (not under production)');
  }
  if (config.identityProvider === undefined) {
    runtime.logger.warn(
      { local_mode: config.nodeEnv === 'development' },
      'no identity provider configured: ExchangeToken answers unavailable' +
        (config.nodeEnv === 'development' ? ' except the development local mode (dev:<email>)' : ''),
    );
  }

  const server = createGrpcServer({ logger: runtime.logger, registry: runtime.registry });
  server.addService(AuthService, createAuthService(deps, { assertionVerifier, registry: runtime.registry }));
  const grpcPort = await serveGrpc(runtime, server, { host: config.grpcHost, port: config.grpcPort });
  runtime.started();
  runtime.logger.info({ grpc_port: grpcPort, ops_port: opsPort }, 'auth service ready');
});
