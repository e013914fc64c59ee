// The api-gateway (DESIGN §7): HTTP routes, JSON mapping and OpenAPI built from the
// protos' HTTP rules; authentication through auth; rate limits; idempotency keys; TLS,
// CORS and problem details at the edge. Wiring only.
import type { Http2SecureServer } from 'node:http2';
import { loadConfig } from '@causeloop/platform/config';
import { createAuthServiceAuthenticator } from '@causeloop/platform/identity';
import { connectDatabase, createServiceRuntime, runService, serveOps } from '@causeloop/platform/runtime';
import { buildApp } from './app.js';
import { connectBackends } from './backends.js';
import { gatewayConfigSchema, resolveGatewayConfig } from './config.js';
import { startIdempotencyReaper } from './idempotency/idempotency-reaper.js';
import { createClientAddressResolver } from './rate-limit/index.js';
import { createRateLimiter } from './rate-limit/create-rate-limiter.js';
import { readTlsFiles, reloadTlsOnChange } from './tls/tls-files.js';

await runService('api-gateway', async () => {
  const config = resolveGatewayConfig(loadConfig(gatewayConfigSchema)); // refuses a certificate without its key
  const runtime = createServiceRuntime({ service: 'api-gateway', ...config }); // logger, metrics, readiness, SIGTERM
  const opsPort = await serveOps(runtime, { port: config.opsPort }); // /health /ready /metrics

  // The gateway's only database state: idempotency keys (DESIGN §1), as causeloop_app.
  const pool = await connectDatabase(runtime, { databaseUrl: config.databaseUrl, max: config.databasePoolMax });
  const reaper = startIdempotencyReaper({ pool, logger: runtime.logger, intervalMs: 5 * 60_000 });
  runtime.lifecycle.onShutdown('idempotency reaper', () => reaper.stop());

  const backends = connectBackends(config, runtime);
  const authenticator = createAuthServiceAuthenticator(backends.auth);
  const app = await buildApp({
    services: backends.fronted,
    authenticator,
    logger: runtime.logger,
    registry: runtime.registry,
    backendDeadlineMs: config.backendDeadlineMs,
    bodyLimitBytes: config.httpBodyLimitBytes,
    corsOrigins: config.corsOrigins,
    ...(config.tls === undefined ? {} : { tls: readTlsFiles(config.tls) }),
    idempotency: { pool },
    rateLimit: {
      limiter: await createRateLimiter(config, runtime),
      clientPolicy: { name: 'default', limit: config.rateLimitPerClient, windowSeconds: 60 },
      principalPolicy: { name: 'principal', limit: config.rateLimitPerPrincipal, windowSeconds: 60 },
      resolveClientAddress: createClientAddressResolver({ trustedProxies: config.trustedProxies }),
    },
  });

  await app.listen({ host: config.httpHost, port: config.tls === undefined ? config.httpPort : config.httpsPort });
  if (config.tls !== undefined) {
    const server = app.server as unknown as Http2SecureServer; // buildApp made it one (tls given)
    runtime.lifecycle.onShutdown('TLS reload', reloadTlsOnChange(server, config.tls, runtime.logger));
  }
  // Readiness has already failed when this runs (before-shutdown), so load balancers stop
  // sending first; close() then lets in-flight requests finish.
  runtime.lifecycle.onDrain('http server', () => app.close());
  const address = app.server.address();
  const httpPort = typeof address === 'object' && address !== null ? address.port : config.httpPort;
  runtime.started();
  runtime.logger.info({ http_port: httpPort, tls: config.tls !== undefined, ops_port: opsPort }, 'api-gateway ready');
});
