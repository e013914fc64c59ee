// The api-gateway (DESIGN §7): HTTP routes, JSON mapping and OpenAPI built from the
// protos' HTTP rules, authentication through auth, problem details. Wiring only.
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { createGrpcClient, createServiceRuntime, loadConfig, runService, serveOps } from '@causeloop/platform';
import { createClientAddressResolver, createMemoryRateLimiter } from './rate-limit/index.js';
import { buildApp } from './app.js';
import { createCachedAuthenticator } from './auth/create-cached-authenticator.js';
import { gatewayConfigSchema } from './config.js';
import { frontService } from './fronted-service.js';

await runService('api-gateway', async () => {
  const config = loadConfig(gatewayConfigSchema);
  const runtime = createServiceRuntime({ service: 'api-gateway', ...config }); // logger, metrics, readiness, SIGTERM
  const opsPort = await serveOps(runtime, { port: config.opsPort }); // /health /ready /metrics

  const auth = createGrpcClient(AuthService, {
    address: config.authGrpcAddr,
    logger: runtime.logger,
    registry: runtime.registry,
    defaultDeadlineMs: config.backendDeadlineMs,
  });
  runtime.lifecycle.onShutdown('auth client', () => auth.close());
  // Authorize with an empty principal touches no database: a cheap proof the channel works.
  runtime.readiness.register('auth', async () => void (await auth.authorize({ scope: '' }, { deadlineMs: 1_000 })));

  const authenticator = createCachedAuthenticator({
    authenticate: async (token) => {
      const { principal, assertion } = await auth.authenticate({ token });
      if (principal === undefined) throw new Error('Authenticate answered without a principal');
      return { principal, assertion };
    },
  });
  const app = await buildApp({
    services: [frontService(AuthService, auth)],
    authenticator,
    logger: runtime.logger,
    backendDeadlineMs: config.backendDeadlineMs,
    bodyLimitBytes: config.httpBodyLimitBytes,
    rateLimit: {
      limiter: createMemoryRateLimiter(), // per replica until a Redis limiter lands
      registry: runtime.registry,
      clientPolicy: { name: 'default', limit: config.rateLimitPerClient, windowSeconds: 60 },
      principalPolicy: { name: 'principal', limit: config.rateLimitPerPrincipal, windowSeconds: 60 },
      resolveClientAddress: createClientAddressResolver({ trustedProxies: config.trustedProxies }),
    },
  });
  await app.listen({ host: config.httpHost, port: config.httpPort });
  // Readiness has already failed when this runs (before-shutdown), so load balancers stop
  // sending first; close() then lets in-flight requests finish.
  runtime.lifecycle.onDrain('http server', () => app.close());
  const address = app.server.address();
  const httpPort = typeof address === 'object' && address !== null ? address.port : config.httpPort;
  runtime.started();
  runtime.logger.info({ http_port: httpPort, ops_port: opsPort }, 'api-gateway ready');
});
