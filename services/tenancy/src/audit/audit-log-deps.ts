import type { Pool } from 'pg';
import type { Registry } from '@causeloop/platform/metrics';
import type { PrincipalResolver } from '@causeloop/platform/identity';
import type { AuditEntryStore } from './audit-entry-store.js';

/** What the audit-log service needs; built once in main.ts (or a test). */
export interface AuditLogDeps {
  readonly pool: Pool;
  /** Resolves the caller of a scoped RPC (principal assertion or bearer token). */
  readonly principals: PrincipalResolver;
  /** The service's metrics registry: the gate counts authentications and denied calls on it. */
  readonly registry: Registry;
  /** Signs list cursors; the same on every replica (CURSOR_SIGNING_KEY). */
  readonly cursorKey: Buffer;
  /** Defaults to the Postgres store. */
  readonly entries?: AuditEntryStore;
}
