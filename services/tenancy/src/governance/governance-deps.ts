import type { Pool } from 'pg';
import type { GovernanceService } from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import type { Registry } from '@causeloop/platform/metrics';
import type { ServiceImpl } from '@causeloop/platform/grpc';
import type { PrincipalResolver, ScopedHandler as PlatformScopedHandler } from '@causeloop/platform/identity';
import type { PgErasureRequestStore } from './erasure-request-store.js';
import type { PgExportJobStore } from './export-job-store.js';
import type { GovernanceSigningKey } from './signing-key.js';

/** What the governance service needs; built once in main.ts (or a test). */
export interface GovernanceDeps {
  readonly pool: Pool;
  /** Resolves the caller of a scoped RPC (principal assertion or bearer token). */
  readonly principals: PrincipalResolver;
  /** The service's metrics registry: the gate counts authentications and denied calls on it. */
  readonly registry: Registry;
  /** Signs erasure certificates (GOVERNANCE_SIGNING_KEY). */
  readonly signingKey: GovernanceSigningKey;
  /** Told when a job is queued so this replica starts it without waiting for its next poll. */
  readonly exportWorker?: { wake(): void } | undefined;
  /** How long a finished export can be downloaded; 7 days when omitted. */
  readonly exportTtlMs?: number | undefined;
}

/** Deps with the stores filled in, as the handlers receive them. */
export interface GovernanceHandlerDeps extends GovernanceDeps {
  readonly exportJobs: PgExportJobStore;
  readonly erasureRequests: PgErasureRequestStore;
}

export type GovernanceServiceImpl = ServiceImpl<typeof GovernanceService>;

export type ScopedHandler<K extends keyof GovernanceServiceImpl> = PlatformScopedHandler<typeof GovernanceService, K>;
