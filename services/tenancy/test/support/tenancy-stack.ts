import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { CryptoService } from '@causeloop/proto/causeloop/crypto/v1/crypto_pb.js';
import { AuditLogService } from '@causeloop/proto/causeloop/tenancy/v1/audit_pb.js';
import { GovernanceService } from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import { MemberService } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import { ProvisioningService, type CreateOrganizationResponse } from '@causeloop/proto/causeloop/tenancy/v1/provisioning_pb.js';
import { WorkspaceService } from '@causeloop/proto/causeloop/tenancy/v1/workspaces_pb.js';
import { createMetricsRegistry, type Registry } from '@causeloop/platform/metrics';
import { withClient } from '@causeloop/platform/db';
import { createEnvelope } from '@causeloop/platform/envelope';
import { createGrpcClient, type GrpcClient } from '@causeloop/platform/grpc';
import {
  createAssertionSigner,
  createAssertionVerifier,
  createAuthServiceAuthenticator,
  createPrincipalResolver,
  type AssertionSigner,
} from '@causeloop/platform/identity';
import { publicApis } from '@causeloop/platform/service-catalogue';
import {
  gatewayOverHttp,
  provisionOrganization,
  serveOnLoopback,
  startCoreProcesses,
  startGatewayProcess,
  type Gateway,
  type ProvisionOverrides,
  type TestDatabase,
} from '@causeloop/platform/testing';
import { resolveGovernanceSigningKey } from '../../src/certificates/signing-key.js';
import type { TenancyDeps } from '../../src/deps.js';
import {
  createAuditLogService,
  createGovernanceService,
  createMemberService,
  createProvisioningService,
  createWorkspaceService,
} from '../../src/services.js';
import { PgAuditEntryStore } from '../../src/stores/audit-entry-store.js';
import { PgErasureRequestStore } from '../../src/stores/erasure-request-store.js';
import { PgExportJobStore } from '../../src/stores/export-job-store.js';
import { PgInvitationStore } from '../../src/stores/invitation-store.js';
import { PgMemberStore } from '../../src/stores/member-store.js';
import { PgOrganizationStore } from '../../src/stores/organization-store.js';
import { PgWorkspaceStore } from '../../src/stores/workspace-store.js';

// The sign-in and header every gateway and service test uses.
export { bearer, signIn } from '@causeloop/platform/testing';

/**
 * Every tenancy service the gateway fronts and a cluster client may call (the catalogue's
 * `public` ones; ProvisioningService is operator-only): the cross-tenant and direct-gRPC
 * tests walk these.
 */
export const publicTenancyServices = Object.values(publicApis('tenancy'));

export interface TenancyStack {
  readonly database: TestDatabase;
  /** The tenancy service's own app-role pool. */
  readonly pool: Pool;
  readonly auth: GrpcClient<typeof AuthService>;
  readonly workspaces: GrpcClient<typeof WorkspaceService>;
  readonly members: GrpcClient<typeof MemberService>;
  readonly provisioning: GrpcClient<typeof ProvisioningService>;
  /** The api-gateway as a process fronting auth and this tenancy server, called like its app (`inject`). */
  readonly gateway: Gateway;
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
  /** Provisions an organization through the real ProvisioningService (see `provisionOrganization`). */
  provision(overrides?: ProvisionOverrides): Promise<CreateOrganizationResponse>;
  /** Runs SQL as the superuser (assertions that must see every tenant). */
  asAdmin<R>(sql: string, values?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

export interface TenancyStackOptions {
  /** Bound of the tenancy server's authentication cache; the platform default (30 s) when omitted. */
  readonly authCacheTtlMs?: number;
}

/**
 * Crypto, auth (in development mode, so `dev:<email>` sign-ins work) and the gateway as
 * real processes, tenancy on a real gRPC server in this process (to move its clock), on a
 * fresh migrated database.
 */
export async function startTenancyStack(options: TenancyStackOptions = {}): Promise<TenancyStack> {
  const core = await startCoreProcesses();
  const { database, keys, operator } = core;
  const authClient = createGrpcClient(AuthService, { address: core.auth.grpcAddress, defaultDeadlineMs: 10_000 });
  const cryptoClient = createGrpcClient(CryptoService, { address: core.crypto.grpcAddress, defaultDeadlineMs: 10_000 });

  let clockOffsetMs = 0;
  const pool = database.pool({ applicationName: 'tenancy-test', max: 5 });
  const registry = createMetricsRegistry({ service: 'tenancy' });
  const authCacheTtlMs = options.authCacheTtlMs ?? 30_000;
  // As main.ts wires it, on the stack's movable clock so a test reaches the bound without waiting.
  const authenticator = createAuthServiceAuthenticator(authClient, {
    maxTtlMs: authCacheTtlMs,
    now: () => Date.now() + clockOffsetMs,
  });
  // As main.ts wires it. No export worker: queued jobs stay queued, so a test can compare a
  // workspace before and after (the worker itself is tested in test/governance).
  const deps: TenancyDeps = {
    pool,
    envelope: createEnvelope({ crypto: cryptoClient }),
    principals: createPrincipalResolver({
      verifier: createAssertionVerifier({ publicKeyPem: keys.publicKeyPem }),
      authenticate: async (token) => (await authenticator.authenticate(token)).principal,
    }),
    registry,
    clock: () => new Date(Date.now() + clockOffsetMs),
    cursorKey: randomBytes(32),
    operatorTokenHashes: [createHash('sha256').update(operator.token).digest()],
    signingKey: resolveGovernanceSigningKey({ nodeEnv: 'test', governanceSigningKey: undefined, governanceSigningKeyFile: undefined }),
    workspaces: new PgWorkspaceStore(),
    members: new PgMemberStore(),
    invitations: new PgInvitationStore(),
    organizations: new PgOrganizationStore(),
    auditEntries: new PgAuditEntryStore(),
    exportJobs: new PgExportJobStore(),
    erasureRequests: new PgErasureRequestStore(),
  };
  const server = await serveOnLoopback(
    (grpc) => {
      grpc.addService(WorkspaceService, createWorkspaceService(deps));
      grpc.addService(MemberService, createMemberService(deps));
      grpc.addService(ProvisioningService, createProvisioningService(deps));
      grpc.addService(AuditLogService, createAuditLogService(deps));
      grpc.addService(GovernanceService, createGovernanceService(deps));
    },
    { registry },
  );
  const { address } = server;
  const workspaces = createGrpcClient(WorkspaceService, { address, defaultDeadlineMs: 10_000 });
  const members = createGrpcClient(MemberService, { address, defaultDeadlineMs: 10_000 });
  const provisioning = createGrpcClient(ProvisioningService, { address, defaultDeadlineMs: 10_000 });
  const gateway = await startGatewayProcess({ databaseUrl: database.appUrl, authAddress: core.auth.grpcAddress, tenancyAddress: address });

  return {
    database,
    pool,
    auth: authClient,
    workspaces,
    members,
    provisioning,
    gateway: gatewayOverHttp(gateway.httpUrl!),
    operator: { metadata: { authorization: `Bearer ${operator.token}` } },
    operatorToken: operator.token,
    tenancyAddress: address,
    authAddress: core.auth.grpcAddress,
    signer: createAssertionSigner({ privateKeyPem: keys.privateKeyPem }),
    registry,
    authCacheTtlMs,
    advanceClock: (ms) => void (clockOffsetMs += ms),
    provision: (overrides = {}) => provisionOrganization(provisioning, operator.token, overrides),
    asAdmin: (sql, values = []) => withClient(database.adminUrl, async (client) => (await client.query(sql, values)).rows),
    async close() {
      await gateway.stop();
      for (const client of [workspaces, members, provisioning, authClient, cryptoClient]) client.close();
      await server.close();
      await core.close();
    },
  };
}

/** Accepts an invitation through the gateway (public route: the token is the credential). */
export async function acceptThroughGateway(gateway: Gateway, token: string): Promise<{ statusCode: number; body: string }> {
  const response = await gateway.inject({ method: 'POST', url: '/v1/invitations/accept', payload: { token } });
  return { statusCode: response.statusCode, body: response.body };
}
