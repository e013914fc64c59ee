import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import type { FastifyInstance } from 'fastify';
import { createGrpcCaller, createGrpcClient, type GrpcClient } from '@causeloop/platform/grpc';
import {
  createAuthServiceAuthenticator,
  type CachedAuthenticatorOptions,
  type RoleName,
} from '@causeloop/platform/identity';
import { createMetricsRegistry } from '@causeloop/platform/metrics';
import type { Pool } from 'pg';
import {
  createTestDatabase,
  seedMember,
  seedUser,
  seedWorkspace,
  startAuthProcess,
  type ServiceProcess,
  type TestDatabase,
} from '@causeloop/platform/testing';
import { buildApp, type AppDeps } from '../../src/app.js';
import { createMemoryRateLimiter } from '../../src/rate-limit/index.js';
import { frontService, type FrontedService } from '../../src/fronted-service.js';

export interface GatewayBackend {
  readonly database: TestDatabase;
  readonly auth: ServiceProcess;
  readonly authClient: GrpcClient<typeof AuthService>;
  readonly workspaceId: string;
  /** The gateway's own connection (causeloop_app), for its idempotency keys. */
  readonly gatewayPool: Pool;
  /** Every backend call any gateway made: RPC name and the metadata it sent (a wrapper, not a mock). */
  readonly calls: { method: string; metadata: Readonly<Record<string, string>> }[];
  /** A gateway over the real auth service; each gets its own authenticator cache. */
  buildGateway(options?: {
    cache?: Omit<CachedAuthenticatorOptions, 'authenticate'>;
    app?: Partial<Omit<AppDeps, 'services' | 'authenticator'>>;
  }): Promise<FastifyInstance>;
  /** Adds a user with a membership in the test workspace (as the owner role, as provisioning does). */
  seedMember(email: string, role: RoleName): Promise<void>;
  /** Calls of one AuthService RPC the auth process has served, from its own `/metrics`. */
  servedCalls(method: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * The real auth service as a process (NODE_ENV=development, so `dev:<email>` exchanges
 * work without an identity provider) over a fresh migrated database.
 */
export async function startGatewayBackend(): Promise<GatewayBackend> {
  const database = await createTestDatabase();
  const owner = database.pool({ applicationName: 'gateway-test-seed', max: 1, role: 'owner' });
  const workspaceId = await seedWorkspace(owner, 'Gateway test');
  const auth = await startAuthProcess({ databaseUrl: database.appUrl });
  const authClient = createGrpcClient(AuthService, { address: auth.grpcAddress, defaultDeadlineMs: 5_000 });
  const gatewayPool = database.pool({ applicationName: 'gateway-test', max: 4 });
  const gateways: FastifyInstance[] = [];
  const calls: GatewayBackend['calls'] = [];
  const authCaller = createGrpcCaller(AuthService, { address: auth.grpcAddress, defaultDeadlineMs: 5_000 });
  const real = frontService(AuthService, authCaller);
  const recorded: FrontedService = {
    service: real.service,
    call: (method, request, options) => {
      calls.push({ method: method.name, metadata: { ...options.metadata } });
      return real.call(method, request, options);
    },
  };

  return {
    database,
    auth,
    authClient,
    workspaceId,
    gatewayPool,
    calls,
    async buildGateway(options = {}) {
      const authenticator = createAuthServiceAuthenticator(authClient, options.cache);
      const registry = createMetricsRegistry({ service: 'api-gateway-test' });
      const app = await buildApp({
        services: [recorded],
        authenticator,
        registry,
        rateLimit: { limiter: createMemoryRateLimiter() },
        idempotency: { pool: gatewayPool },
        ...options.app,
      });
      gateways.push(app);
      return app;
    },
    async seedMember(email, role) {
      await seedMember(owner, workspaceId, await seedUser(database, { email, verified: true }), role);
    },
    async servedCalls(method) {
      const text = await (await fetch(`${auth.opsUrl}/metrics`)).text();
      let total = 0;
      for (const line of text.split('\n')) {
        if (line.startsWith('causeloop_grpc_server_requests_total{') && line.includes(`grpc_method="${method}"`)) {
          total += Number(line.slice(line.lastIndexOf(' ') + 1));
        }
      }
      return total;
    },
    async close() {
      await Promise.all(gateways.map((app) => app.close()));
      authClient.close();
      authCaller.close();
      await auth.stop();
      await database.drop();
    },
  };
}

// The same sign-in and header every gateway and service test uses.
export { bearer, signIn } from '@causeloop/platform/testing';
