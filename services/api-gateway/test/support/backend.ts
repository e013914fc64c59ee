import { randomBytes } from 'node:crypto';
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import type { FastifyInstance } from 'fastify';
import { createPool, withTenant } from '@causeloop/platform/db';
import { createGrpcClient, type GrpcClient } from '@causeloop/platform/grpc';
import {
  createAuthServiceAuthenticator,
  type CachedAuthenticatorOptions,
  type RoleName,
} from '@causeloop/platform/identity';
import { createMetricsRegistry } from '@causeloop/platform/metrics';
import type { Pool } from 'pg';
import {
  createTestDatabase,
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
  const workspaceId = uuidv7();
  const owner = createPool({ connectionString: database.ownerUrl, applicationName: 'gateway-test-seed', max: 1 });
  await withTenant(owner, workspaceId, (client) =>
    client.query('insert into workspaces (id, name) values ($1, $2)', [workspaceId, 'Gateway test']),
  );
  const auth = await startAuthProcess({ databaseUrl: database.appUrl });
  const authClient = createGrpcClient(AuthService, { address: auth.grpcAddress, defaultDeadlineMs: 5_000 });
  const gatewayPool = createPool({ connectionString: database.appUrl, applicationName: 'gateway-test', max: 4 });
  const gateways: FastifyInstance[] = [];
  const calls: GatewayBackend['calls'] = [];
  const real = frontService(AuthService, authClient);
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
      const userId = uuidv7();
      await withTenant(owner, workspaceId, async (client) => {
        await client.query('insert into users (id, email, email_verified) values ($1, $2, true)', [userId, email]);
        await client.query('insert into workspace_members (workspace_id, user_id, role) values ($1, $2, $3)', [
          workspaceId,
          userId,
          role,
        ]);
      });
    },
    async servedCalls(method) {
      const text = await (await fetch(`${auth.opsUrl}/metrics`)).text();
      let total = 0;
      for (const line of text.split('\n')) {
        if (line.startsWith('causeloop_grpc_server_requests_total{') && line.includes(`method="${method}"`)) {
          total += Number(line.slice(line.lastIndexOf(' ') + 1));
        }
      }
      return total;
    },
    async close() {
      await Promise.all(gateways.map((app) => app.close()));
      authClient.close();
      await gatewayPool.end();
      await auth.stop();
      await owner.end();
      await database.drop();
    },
  };
}

/** Signs in through the gateway's own exchange route (development mode) and returns the access token. */
export async function signIn(app: FastifyInstance, email: string): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/v1/auth/exchange', payload: { subject_token: `dev:${email}` } });
  if (response.statusCode !== 200) throw new Error(`exchange failed: ${response.statusCode} ${response.body}`);
  return (response.json() as { access_token: string }).access_token;
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

function uuidv7(): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(Date.now(), 0, 6);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
