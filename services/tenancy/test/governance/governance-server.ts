import { create } from '@bufbuild/protobuf';
import { PrincipalSchema, TokenKind } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { AuditLogService } from '@causeloop/proto/causeloop/tenancy/v1/audit_pb.js';
import { GovernanceService } from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import type { Pool } from 'pg';
import { createGrpcClient, type GrpcClient } from '@causeloop/platform/grpc';
import {
  createAssertionSigner,
  createAssertionVerifier,
  createPrincipalResolver,
  generateAssertionKeyPair,
  roleScopes,
  roleToProto,
  type AssertionSigner,
  type RoleName,
} from '@causeloop/platform/identity';
import { createLogger } from '@causeloop/platform/log';
import { createMetricsRegistry } from '@causeloop/platform/metrics';
import {
  createTestDatabase,
  seedMember,
  seedUser,
  seedWorkspace,
  serveOnLoopback,
  type TestDatabase,
} from '@causeloop/platform/testing';
import { resolveGovernanceSigningKey, type GovernanceSigningKey } from '../../src/certificates/signing-key.js';
import { createExportWorker, type ExportWorkerOptions } from '../../src/jobs/export-worker.js';
import { createAuditLogService, createGovernanceService } from '../../src/services.js';
import { PgAuditEntryStore } from '../../src/stores/audit-entry-store.js';
import { PgErasureRequestStore } from '../../src/stores/erasure-request-store.js';
import { PgExportJobStore } from '../../src/stores/export-job-store.js';

export interface Person {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: RoleName;
}

export interface GovernanceStack {
  readonly database: TestDatabase;
  readonly pool: Pool;
  readonly audit: GrpcClient<typeof AuditLogService>;
  readonly governance: GrpcClient<typeof GovernanceService>;
  readonly signingKey: GovernanceSigningKey;
  /** Call options acting as `person` in `workspaceId` (a signed principal assertion, as the gateway sends). */
  as(person: Person, workspaceId: string, options?: { scopes?: string[]; serviceAccount?: boolean }): Promise<{ metadata: Record<string, string> }>;
  /** A user (as the owner: the app role cannot write `users`) who is a member of `workspaceId`. */
  addPerson(workspaceId: string, role: RoleName, name: string, email?: string): Promise<Person>;
  newWorkspace(name: string): Promise<string>;
  /** Starts an export worker on this stack's pool; stopped by close(). */
  startWorker(options?: Partial<ExportWorkerOptions>): ReturnType<typeof createExportWorker>;
  /** Stops every worker started so far (tests that must control who claims what). */
  stopWorkers(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The audit-log and governance services on a real gRPC server over loopback, on a fresh
 * migrated database as the app role, with callers identified by signed principal
 * assertions exactly as the gateway forwards them.
 */
export async function startGovernanceStack(): Promise<GovernanceStack> {
  const database = await createTestDatabase();
  const pool = database.pool({ applicationName: 'governance-test', max: 6 });
  const keys = await generateAssertionKeyPair();
  const signer: AssertionSigner = createAssertionSigner({ privateKeyPem: keys.privateKeyPem });
  const principals = createPrincipalResolver({ verifier: createAssertionVerifier({ publicKeyPem: keys.publicKeyPem }) });
  const signingKey = resolveGovernanceSigningKey({ nodeEnv: 'test', governanceSigningKey: undefined, governanceSigningKeyFile: undefined });
  const logger = createLogger({ service: 'governance-test', level: 'silent' });
  const workers: ReturnType<typeof createExportWorker>[] = [];
  const registry = createMetricsRegistry({ service: 'tenancy' });
  const exportJobs = new PgExportJobStore();
  const server = await serveOnLoopback(
    (grpc) => {
      grpc.addService(
        AuditLogService,
        createAuditLogService({ pool, principals, registry, cursorKey: Buffer.alloc(32, 7), auditEntries: new PgAuditEntryStore() }),
      );
      grpc.addService(
        GovernanceService,
        createGovernanceService({
          pool,
          principals,
          registry,
          signingKey,
          exportWorker: { wake: () => workers.forEach((worker) => worker.wake()) },
          exportJobs,
          erasureRequests: new PgErasureRequestStore(),
        }),
      );
    },
    { registry },
  );
  const { address } = server;
  const audit = createGrpcClient(AuditLogService, { address, defaultDeadlineMs: 20_000 });
  const governance = createGrpcClient(GovernanceService, { address, defaultDeadlineMs: 20_000 });

  return {
    database,
    pool,
    audit,
    governance,
    signingKey,
    async as(person, workspaceId, options = {}) {
      const principal = create(PrincipalSchema, {
        subjectId: person.id,
        workspaceId,
        role: roleToProto(person.role),
        scopes: options.scopes ?? [...roleScopes[person.role]],
        tokenKind: options.serviceAccount === true ? TokenKind.SERVICE_ACCOUNT : TokenKind.ACCESS,
        displayName: person.name,
      });
      return { metadata: { 'x-causeloop-principal': await signer.sign(principal) } };
    },
    async addPerson(workspaceId, role, name, email = `${name.toLowerCase().replaceAll(' ', '.')}@example.com`) {
      const id = await seedUser(database, { email, name, verified: true });
      await seedMember(pool, workspaceId, id, role);
      return { id, email, name, role };
    },
    newWorkspace: (name) => seedWorkspace(pool, name),
    startWorker(options = {}) {
      const worker = createExportWorker({ pool, logger, jobs: exportJobs, pollIntervalMs: 50, ...options });
      workers.push(worker);
      worker.start();
      return worker;
    },
    async stopWorkers() {
      await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.stop()));
      audit.close();
      governance.close();
      await server.close();
      await database.drop();
    },
  };
}
