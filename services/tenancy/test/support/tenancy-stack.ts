import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { CryptoService } from '@causeloop/proto/causeloop/crypto/v1/crypto_pb.js';
import { AuditLogService } from '@causeloop/proto/causeloop/tenancy/v1/audit_pb.js';
import { GovernanceService } from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import { MemberService } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import {
  CreateOrganizationRequestSchema,
  Plan,
  ProvisioningService,
  type CreateOrganizationResponse,
} from '@causeloop/proto/causeloop/tenancy/v1/provisioning_pb.js';
import { WorkspaceService } from '@causeloop/proto/causeloop/tenancy/v1/workspaces_pb.js';
import { create } from '@bufbuild/protobuf';
import { createMetricsRegistry, type Registry } from '@causeloop/platform/metrics';
import { createPool, withClient } from '@causeloop/platform/db';
import { createEnvelope } from '@causeloop/platform/envelope';
import { createGrpcClient, createGrpcServer, type GrpcClient } from '@causeloop/platform/grpc';
import {
  createAssertionSigner,
  createAssertionVerifier,
  createAuthServiceAuthenticator,
  createPrincipalResolver,
  generateAssertionKeyPair,
  type AssertionSigner,
} from '@causeloop/platform/identity';
import { createLogger } from '@causeloop/platform/log';
import {
  createTestDatabase,
  startAuthProcess,
  startCryptoProcess,
  type ServiceProcess,
  type TestDatabase,
} from '@causeloop/platform/testing';
import { buildApp } from '../../../api-gateway/src/app.js';
import { frontService } from '../../../api-gateway/src/fronted-service.js';
import { createMemoryRateLimiter } from '../../../api-gateway/src/rate-limit/index.js';
import { createAuditLogService } from '../../src/audit/audit-log-service.js';
import type { TenancyDeps } from '../../src/deps.js';
import { createGovernanceService } from '../../src/governance/governance-service.js';
import { resolveGovernanceSigningKey } from '../../src/governance/signing-key.js';
import { createMemberService, createProvisioningService, createWorkspaceService } from '../../src/services.js';


/**
 * Every tenancy service the gateway fronts (those with HTTP rules; ProvisioningService has
 * none), in one list: the stack fronts these and the cross-tenant test walks their routes.
 * `public-services.test.ts` fails when a tenancy proto gains a service with HTTP rules that
 * is missing here.
 */
export const publicTenancyServices = [WorkspaceService, MemberService, AuditLogService, GovernanceService] as const;

/** Fields of a provisioning request a test sets; the rest get working defaults. */
export interface ProvisionOverrides {
  readonly slug?: string;
  readonly name?: string;
  readonly plan?: Plan;
  readonly seats?: number;
  readonly ownerEmail?: string;
}

export interface TenancyStack {
  readonly database: TestDatabase;
  /** The tenancy service's own app-role pool. */
  readonly pool: Pool;
  readonly auth: GrpcClient<typeof AuthService>;
  readonly workspaces: GrpcClient<typeof WorkspaceService>;
  readonly members: GrpcClient<typeof MemberService>;
  readonly provisioning: GrpcClient<typeof ProvisioningService>;
  /** A gateway fronting auth and every public tenancy service, as the real one does with TENANCY_GRPC_ADDR. */
  readonly gateway: FastifyInstance;
  /** `authorization` metadata carrying a valid operator token. */
  readonly operator: { metadata: Record<string, string> };
  readonly operatorToken: string;
  /** gRPC addresses of the tenancy server and the auth process (for the operator CLI). */
  readonly tenancyAddress: string;
  readonly authAddress: string;
  /** Signs principal assertions with auth's key, as the gateway forwards them (to forge expired ones). */
  readonly signer: AssertionSigner;
  /** The tenancy server's metrics registry (the gate's counters). */
  readonly registry: Registry;
  /** The bound of the tenancy server's own authentication cache (direct bearer callers). */
  readonly authCacheTtlMs: number;
  /** Moves the tenancy service's clock (invitation expiry, its authentication cache) by `ms`. */
  advanceClock(ms: number): void;
  /** Provisions an organization through the real ProvisioningService. */
  provision(overrides?: ProvisionOverrides): Promise<CreateOrganizationResponse>;
  /** Runs SQL as the superuser (assertions that must see every tenant). */
  asAdmin<R>(sql: string, values?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

/**
 * Crypto and auth as real processes (auth in development mode, so `dev:<email>` sign-ins
 * work), tenancy on a real gRPC server in this process (to move its clock), and the
 * gateway's app over all of them, on a fresh migrated database.
 */
export interface TenancyStackOptions {
  /** Bound of the tenancy server's authentication cache; the platform default (30 s) when omitted. */
  readonly authCacheTtlMs?: number;
}

export async function startTenancyStack(options: TenancyStackOptions = {}): Promise<TenancyStack> {
  const database = await createTestDatabase();
  const keys = await generateAssertionKeyPair();
  const crypto = await startCryptoProcess();
  const auth = await startAuthProcess({ databaseUrl: database.appUrl, assertionPrivateKeyPem: keys.privateKeyPem });
  const processes: ServiceProcess[] = [crypto, auth];
  const authClient = createGrpcClient(AuthService, { address: auth.grpcAddress, defaultDeadlineMs: 10_000 });
  const cryptoClient = createGrpcClient(CryptoService, { address: crypto.grpcAddress, defaultDeadlineMs: 10_000 });

  const operatorToken = `clp_op_${randomBytes(32).toString('base64url')}`;
  let clockOffsetMs = 0;
  const pool = createPool({ connectionString: database.appUrl, applicationName: 'tenancy-test', max: 5 });
  const registry = createMetricsRegistry({ service: 'tenancy' });
  const authCacheTtlMs = options.authCacheTtlMs ?? 30_000;
  // As main.ts wires it, on the stack's movable clock so a test reaches the bound without waiting.
  const authenticator = createAuthServiceAuthenticator(authClient, {
    maxTtlMs: authCacheTtlMs,
    now: () => Date.now() + clockOffsetMs,
  });
  const deps: TenancyDeps = {
    pool,
    crypto: cryptoClient,
    envelope: createEnvelope({ crypto: cryptoClient }),
    principals: createPrincipalResolver({
      verifier: createAssertionVerifier({ publicKeyPem: keys.publicKeyPem }),
      authenticate: async (token) => (await authenticator.authenticate(token)).principal,
    }),
    registry,
    logger: createLogger({ service: 'tenancy-test', level: 'silent' }),
    clock: () => new Date(Date.now() + clockOffsetMs),
    cursorKey: randomBytes(32),
    operatorTokenHashes: [createHash('sha256').update(operatorToken).digest()],
  };
  const server = createGrpcServer({ logger: deps.logger, registry });
  server.addService(WorkspaceService, createWorkspaceService(deps));
  server.addService(MemberService, createMemberService(deps));
  server.addService(ProvisioningService, createProvisioningService(deps));
  server.addService(AuditLogService, createAuditLogService(deps));
  // No export worker: queued jobs stay queued, so a test can compare a workspace before and
  // after (the worker itself is tested in test/governance).
  const signingKey = resolveGovernanceSigningKey({ nodeEnv: 'test', governanceSigningKey: undefined, governanceSigningKeyFile: undefined });
  server.addService(GovernanceService, createGovernanceService({ ...deps, signingKey }));
  const port = await server.start({ host: '127.0.0.1', port: 0 });
  const address = `127.0.0.1:${port}`;
  const workspaces = createGrpcClient(WorkspaceService, { address, defaultDeadlineMs: 10_000 });
  const members = createGrpcClient(MemberService, { address, defaultDeadlineMs: 10_000 });
  const provisioning = createGrpcClient(ProvisioningService, { address, defaultDeadlineMs: 10_000 });
  // The gateway fronts every service of the one list, each over its own client.
  const frontedClients = publicTenancyServices.map((service) => {
    const client = createGrpcClient(service, { address, defaultDeadlineMs: 10_000 });
    return { client, fronted: frontService(service, client) };
  });

  const gateway = await buildApp({
    services: [
      frontService(AuthService, authClient),
      ...frontedClients.map(({ fronted }) => fronted),
    ],
    authenticator: createAuthServiceAuthenticator(authClient),
    registry: createMetricsRegistry({ service: 'api-gateway-test' }),
    rateLimit: { limiter: createMemoryRateLimiter() },
  });
  const operator = { metadata: { authorization: `Bearer ${operatorToken}` } };

  return {
    database,
    pool,
    auth: authClient,
    workspaces,
    members,
    provisioning,
    gateway,
    operator,
    operatorToken,
    tenancyAddress: address,
    authAddress: auth.grpcAddress,
    signer: createAssertionSigner({ privateKeyPem: keys.privateKeyPem }),
    registry,
    authCacheTtlMs,
    advanceClock: (ms) => void (clockOffsetMs += ms),
    provision: (overrides = {}) => {
      const slug = overrides.slug ?? `org-${randomBytes(4).toString('hex')}`;
      const request = create(CreateOrganizationRequestSchema, {
        name: `Org ${slug}`,
        plan: Plan.STARTER,
        seats: 10,
        ownerEmail: `owner@${slug}.example`,
        ...overrides,
        slug,
      });
      return provisioning.createOrganization(request, operator);
    },
    asAdmin: (sql, values = []) => withClient(database.adminUrl, async (client) => (await client.query(sql, values)).rows),
    async close() {
      await gateway.close();
      for (const client of [workspaces, members, provisioning, authClient, cryptoClient]) client.close();
      for (const { client } of frontedClients) client.close();
      await server.drain(1_000);
      await pool.end();
      await Promise.all(processes.map((process) => process.stop()));
      await database.drop();
    },
  };
}

/** Signs in through the gateway's exchange route (auth's development mode); returns the access token. */
export async function signIn(gateway: FastifyInstance, email: string): Promise<string> {
  const response = await gateway.inject({ method: 'POST', url: '/v1/auth/exchange', payload: { subject_token: `dev:${email}` } });
  if (response.statusCode !== 200) throw new Error(`exchange failed: ${response.statusCode} ${response.body}`);
  return (response.json() as { access_token: string }).access_token;
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** Accepts an invitation through the gateway (public route: the token is the credential). */
export async function acceptThroughGateway(gateway: FastifyInstance, token: string): Promise<{ statusCode: number; body: string }> {
  const response = await gateway.inject({ method: 'POST', url: '/v1/invitations/accept', payload: { token } });
  return { statusCode: response.statusCode, body: response.body };
}
