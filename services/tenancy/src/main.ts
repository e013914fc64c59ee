// The tenancy service (issue #6): workspaces and their settings, members and invitations,
// operator provisioning, the retention purge, the audit log and governance (exports,
// erasure). Wiring only.
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { CryptoService } from '@causeloop/proto/causeloop/crypto/v1/crypto_pb.js';
import { AuditLogService } from '@causeloop/proto/causeloop/tenancy/v1/audit_pb.js';
import { GovernanceService } from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import { MemberService } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import { ProvisioningService } from '@causeloop/proto/causeloop/tenancy/v1/provisioning_pb.js';
import { WorkspaceService } from '@causeloop/proto/causeloop/tenancy/v1/workspaces_pb.js';
import { loadConfig } from '@causeloop/platform/config';
import { createEnvelope } from '@causeloop/platform/envelope';
import { createGrpcClient, createGrpcServer } from '@causeloop/platform/grpc';
import {
  createAssertionVerifier,
  createAuthServiceAuthenticator,
  createPrincipalResolver,
} from '@causeloop/platform/identity';
import { leaderOnly, startLeaderElection } from '@causeloop/platform/leader';
import { scheduleRecurringJob } from '@causeloop/platform/lifecycle';
import { connectDatabase, createServiceRuntime, runService, serveGrpc, serveOps } from '@causeloop/platform/runtime';
import { resolveTenancyConfig, tenancyConfigSchema } from './config.js';
import type { TenancyDeps } from './deps.js';
import { createExportWorker } from './jobs/export-worker.js';
import { runRetentionPurge } from './jobs/retention-purge.js';
import {
  createAuditLogService,
  createGovernanceService,
  createMemberService,
  createProvisioningService,
  createWorkspaceService,
} from './services.js';
import { PgAuditEntryStore } from './stores/audit-entry-store.js';
import { PgErasureRequestStore } from './stores/erasure-request-store.js';
import { PgExportJobStore } from './stores/export-job-store.js';
import { PgInvitationStore } from './stores/invitation-store.js';
import { PgMemberStore } from './stores/member-store.js';
import { PgOrganizationStore } from './stores/organization-store.js';
import { PgWorkspaceStore } from './stores/workspace-store.js';

await runService('tenancy', async () => {
  // Refuses, naming every problem at once: no (or a non-Ed25519) assertion public key, a
  // malformed OPERATOR_TOKEN_SHA256 entry, both GOVERNANCE_SIGNING_KEY and _FILE or a
  // non-Ed25519 one, and under production no CURSOR_SIGNING_KEY and no (or the published
  // development) governance key.
  const config = resolveTenancyConfig(loadConfig(tenancyConfigSchema));
  const runtime = createServiceRuntime({ service: 'tenancy', ...config }); // logger, metrics, readiness, SIGTERM
  const opsPort = await serveOps(runtime, { port: config.opsPort }); // /health /ready /metrics
  if (config.cursorKeyEphemeral) runtime.logger.warn('no CURSOR_SIGNING_KEY: list cursors work on this replica only (not under production)');
  if (config.operatorTokenHashes.length === 0) runtime.logger.warn('no OPERATOR_TOKEN_SHA256: provisioning refuses every call');

  const pool = await connectDatabase(runtime, { databaseUrl: config.databaseUrl, max: config.databasePoolMax });
  const clientOptions = { logger: runtime.logger, registry: runtime.registry, defaultDeadlineMs: 5_000 };
  const auth = createGrpcClient(AuthService, { address: config.authGrpcAddr, ...clientOptions });
  const crypto = createGrpcClient(CryptoService, { address: config.cryptoGrpcAddr, ...clientOptions });
  runtime.lifecycle.onShutdown('auth client', () => auth.close());
  runtime.lifecycle.onShutdown('crypto client', () => crypto.close());

  // Direct gRPC callers (service-account tokens) are resolved through auth with the
  // gateway's cache rules: a revoked token keeps working here for at most its bound (30 s).
  const authenticator = createAuthServiceAuthenticator(auth);
  const exportJobs = new PgExportJobStore();
  // Every replica works export jobs; PostgreSQL leases share them out (see export-worker.ts).
  const exportWorker = createExportWorker({ pool, logger: runtime.logger, jobs: exportJobs });
  const deps: TenancyDeps = {
    pool,
    envelope: createEnvelope({ crypto, registry: runtime.registry }),
    principals: createPrincipalResolver({
      verifier: createAssertionVerifier({ publicKeyPem: config.assertionPublicKeyPem }),
      authenticate: async (token) => (await authenticator.authenticate(token)).principal,
    }),
    registry: runtime.registry,
    clock: () => new Date(),
    cursorKey: config.cursorKey,
    operatorTokenHashes: config.operatorTokenHashes,
    signingKey: config.governanceSigningKey,
    exportWorker,
    workspaces: new PgWorkspaceStore(),
    members: new PgMemberStore(),
    invitations: new PgInvitationStore(),
    organizations: new PgOrganizationStore(),
    auditEntries: new PgAuditEntryStore(),
    exportJobs,
    erasureRequests: new PgErasureRequestStore(),
  };
  if (config.governanceSigningKey.development) runtime.logger.warn('no GOVERNANCE_SIGNING_KEY: erasure certificates are signed with the published development key');

  const server = createGrpcServer({ logger: runtime.logger, registry: runtime.registry });
  server.addService(WorkspaceService, createWorkspaceService(deps));
  server.addService(MemberService, createMemberService(deps));
  server.addService(ProvisioningService, createProvisioningService(deps));
  server.addService(AuditLogService, createAuditLogService(deps));
  server.addService(GovernanceService, createGovernanceService(deps));

  // Once per cluster: a Lease in Kubernetes, an advisory lock elsewhere; SIGTERM hands over.
  const leader = await startLeaderElection(runtime, { config, pool });
  const stopPurge = scheduleRecurringJob({
    name: 'retention purge',
    intervalMs: config.retentionPurgeIntervalMs,
    logger: runtime.logger,
    run: leaderOnly(leader, (signal) => runRetentionPurge({ pool, logger: runtime.logger, signal })),
  });
  runtime.lifecycle.onDrain('retention purge', stopPurge);
  const grpcPort = await serveGrpc(runtime, server, { host: config.grpcHost, port: config.grpcPort });
  exportWorker.start();
  runtime.lifecycle.onDrain('export worker', () => exportWorker.stop());
  runtime.started();
  runtime.logger.info({ grpc_port: grpcPort, ops_port: opsPort }, 'tenancy service ready');
});
