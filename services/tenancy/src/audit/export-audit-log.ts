import { AuditExportFormat, type AuditLogService } from '@causeloop/proto/causeloop/tenancy/v1/audit_pb.js';
import { CauseloopError } from '@causeloop/platform/errors';
import type { ScopedHandler } from '@causeloop/platform/identity';
import { renderCsv } from './audit-csv.js';
import type { AuditEntryStore } from './audit-entry-store.js';
import { auditEntryJson } from './audit-entry-view.js';
import { readAuditFilter } from './audit-filter.js';
import type { AuditLogDeps } from './audit-log-deps.js';
import { callerWorkspace } from './caller-workspace.js';
import { readAuditPage } from './list-audit-entries.js';

/** Batches stay well under the 4 MiB message limit even with large before/after values. */
const exportLimits = { defaultLimit: 1_000, maxLimit: 5_000 };

export function exportAuditLog(
  deps: AuditLogDeps & { entries: AuditEntryStore },
): ScopedHandler<typeof AuditLogService, 'exportAuditLog'> {
  return async (request, context) => {
    const workspaceId = callerWorkspace(context, request.workspaceId);
    if (request.format !== AuditExportFormat.CSV && request.format !== AuditExportFormat.JSON) {
      throw new CauseloopError('invalid_argument', 'format must be AUDIT_EXPORT_FORMAT_CSV or AUDIT_EXPORT_FORMAT_JSON', {
        violations: [{ field: 'format', description: 'must be CSV or JSON' }],
      });
    }
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
