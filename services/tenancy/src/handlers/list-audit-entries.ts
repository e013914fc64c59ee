import type { AuditLogService } from '@causeloop/proto/causeloop/tenancy/v1/audit_pb.js';
import { ownWorkspace, type ScopedHandler } from '@causeloop/platform/identity';
import type { TenancyDeps } from '../deps.js';
import { auditEntryView } from './audit-entry-view.js';
import { readAuditFilter } from './audit-filter.js';
import { readAuditPage } from './read-audit-page.js';

/** ListAuditEntries: the workspace's audit log, newest first, filtered. */
export function listAuditEntries(
  deps: Pick<TenancyDeps, 'pool' | 'cursorKey' | 'auditEntries'>,
): ScopedHandler<typeof AuditLogService, 'listAuditEntries'> {
  return async (request, { principal }) => {
    const workspaceId = ownWorkspace(principal, request.workspaceId);
    const filter = readAuditFilter(request.filter);
    const { data, page } = await readAuditPage(deps, { workspaceId, list: 'audit', filter, page: request.page });
    return { data: data.map(auditEntryView), page };
  };
}
