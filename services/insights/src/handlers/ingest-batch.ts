import { IngestService } from '@causeloop/proto/causeloop/insights/v1/ingest_pb.js';
import type { ScopedHandler } from '@causeloop/platform/identity';
import type { InsightsDeps } from '../deps.js';
import type { CheckedRecord } from '../ingest/failure-record.js';
import { ingestChecked, outcomeOf, type IngestDeps } from '../ingest/ingest-call.js';
import { storedSource } from '../ingest/sources.js';

/**
 * IngestBatch: each record is checked against FailureRecord's rules on its own; a record
 * that breaks them is rejected with its index and every reason, and nothing of it is
 * stored; the accepted ones are stored together (ingest-call.ts, store-records.ts).
 */
export function ingestBatch(deps: IngestDeps & Pick<InsightsDeps, 'records' | 'clock'>): ScopedHandler<typeof IngestService, 'ingestBatch'> {
  return async (request, context) => {
    const finished = deps.metrics.startBatch();
    try {
      const now = deps.clock();
      const accepted: { index: number; record: CheckedRecord }[] = [];
      const rejected: { index: number; field: string; reason: string }[] = [];
      request.records.forEach((record, index) => {
        const checked = deps.records.check(record, `records[${index}]`, now);
        if (checked.ok) accepted.push({ index, record: checked.record });
        else {
          rejected.push({
            index,
            field: checked.violations[0]!.field,
            reason: checked.violations.map((violation) => `${violation.field} ${violation.description}`).join('; '),
          });
          deps.metrics.ingested(storedSource(record.source), 'rejected');
        }
      });
      const mutation = { method: IngestService.method.ingestBatch, request };
      return await ingestChecked(
        deps,
        context,
        mutation,
        accepted.map((entry) => entry.record),
        (stored) => ({
          accepted: accepted.map((entry, position) => {
            const record = stored[position]!;
            return { index: entry.index, issueId: record.issueId, outcome: outcomeOf(record), patternId: record.patternId, grouping: record.grouping };
          }),
          rejected,
        }),
      );
    } finally {
      finished();
    }
  };
}
