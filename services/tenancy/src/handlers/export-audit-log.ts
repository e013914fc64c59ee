import { AuditExportFormat, type AuditLogService } from '@causeloop/proto/causeloop/tenancy/v1/audit_pb.js';
import { ownWorkspace, type ScopedHandler } from '@causeloop/platform/identity';
import { renderCsv } from '../audit-csv.js';
import type { TenancyDeps } from '../deps.js';
import { auditEntryJson } from './audit-entry-view.js';
import { readAuditFilter } from './audit-filter.js';
import { readAuditPage } from './read-audit-page.js';

/** Batches stay well under the 4 MiB message limit even with large before/after values. */
const exportLimits = { defaultLimit: 1_000, maxLimit: 5_000 };

/**
 * ExportAuditLog: one batch of the filtered log as CSV or JSON lines (the proto's rules
 * require a format), paged like the listing.
 */
export function exportAuditLog(
  deps: Pick<TenancyDeps, 'pool' | 'cursorKey' | 'auditEntries'>,
): ScopedHandler<typeof AuditLogService, 'exportAuditLog'> {
  return async (request, { principal }) => {
    const workspaceId = ownWorkspace(principal, request.workspaceId);
    const filter = readAuditFilter(request.filter);
    const list = `audit-export-${request.format}`;
    const { data, page } = await readAuditPage(deps, { workspaceId, list, filter, page: request.page, limits: exportLimits });
    const records = data.map(auditEntryJson);
    const csv = request.format === AuditExportFormat.CSV;
    return {
      contentType: csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      content: csv ? renderCsv(records) : records.map((record) => `${JSON.stringify(record)}\n`).join(''),
      entries: records.length,
      page,
    };
  };
}
