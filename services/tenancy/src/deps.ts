import type { Pool } from 'pg';
import type { Envelope } from '@causeloop/platform/envelope';
import type { PrincipalResolver } from '@causeloop/platform/identity';
import type { Registry } from '@causeloop/platform/metrics';
import type { GovernanceSigningKey } from './certificates/signing-key.js';
import type { AuditEntryStore } from './stores/audit-entry-store.js';
import type { ErasureRequestStore } from './stores/erasure-request-store.js';
import type { ExportJobStore } from './stores/export-job-store.js';
import type { InvitationStore } from './stores/invitation-store.js';
import type { MemberStore } from './stores/member-store.js';
import type { OrganizationStore } from './stores/organization-store.js';
import type { WorkspaceStore } from './stores/workspace-store.js';

/**
 * Everything the tenancy service's handlers are built from, stores included, made once in
 * main.ts (or a test). Each handler and service factory names the part it uses
 * (`Pick<TenancyDeps, …>`), so a test builds only that.
 */
export interface TenancyDeps {
  /** The app-role pool; every tenant query goes through `withTenant` on it. */
  readonly pool: Pool;
  /** Column encryption with per-workspace data keys, over the crypto service. */
  readonly envelope: Envelope;
  /** Resolves the caller of a scoped RPC (principal assertion or bearer token). */
  readonly principals: PrincipalResolver;
  /** The service's metrics registry: the gate counts authentications and denied calls on it. */
  readonly registry: Registry;
  /** Now; tests pass a fixed clock to reach expiry without waiting. */
  readonly clock: () => Date;
  /** Signs list cursors (platform readPage/writePage); the same on every replica (CURSOR_SIGNING_KEY). */
  readonly cursorKey: Buffer;
  /** SHA-256 of every accepted operator token; empty refuses all provisioning. */
  readonly operatorTokenHashes: readonly Buffer[];
  /** Signs erasure certificates (GOVERNANCE_SIGNING_KEY). */
  readonly signingKey: GovernanceSigningKey;
  /** Told when a job is queued so this replica starts it without waiting for its next poll. */
  readonly exportWorker?: { wake(): void } | undefined;
  /** How long a finished export can be downloaded; 7 days when omitted. */
  readonly exportTtlMs?: number | undefined;

  readonly workspaces: WorkspaceStore;
  readonly members: MemberStore;
  readonly invitations: InvitationStore;
  readonly organizations: OrganizationStore;
  readonly auditEntries: AuditEntryStore;
  readonly exportJobs: ExportJobStore;
  readonly erasureRequests: ErasureRequestStore;
}
