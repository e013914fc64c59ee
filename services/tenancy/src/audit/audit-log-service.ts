import { AuditLogService } from '@causeloop/proto/causeloop/tenancy/v1/audit_pb.js';
import type { ServiceImpl } from '@causeloop/platform/grpc';
import { guardService } from '@causeloop/platform/identity';
import { PgAuditEntryStore } from './audit-entry-store.js';
import type { AuditLogDeps } from './audit-log-deps.js';
import { exportAuditLog } from './export-audit-log.js';
import { listAuditEntries } from './list-audit-entries.js';

export type { AuditLogDeps } from './audit-log-deps.js';

/** `causeloop.tenancy.v1.AuditLogService`: both RPCs need `audit:read` (checked before they run). */
export function createAuditLogService(deps: AuditLogDeps): ServiceImpl<typeof AuditLogService> {
  const withStore = { ...deps, entries: deps.entries ?? new PgAuditEntryStore() };
  return guardService(
    AuditLogService,
    { scoped: { listAuditEntries: listAuditEntries(withStore), exportAuditLog: exportAuditLog(withStore) } },
    { principals: deps.principals, registry: deps.registry },
  );
}
