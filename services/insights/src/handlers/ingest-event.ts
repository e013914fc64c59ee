import { IngestService } from '@causeloop/proto/causeloop/insights/v1/ingest_pb.js';
import { invalidFields } from '@causeloop/platform/errors';
import type { ScopedHandler } from '@causeloop/platform/identity';
import type { InsightsDeps } from '../deps.js';
import { ingestChecked, outcomeOf, type IngestDeps } from '../ingest/ingest-call.js';
import { storedSource } from '../ingest/sources.js';

/**
 * IngestEvent: a batch of one. Its shape was checked before this runs (FailureRecord's
 * rules); a record dated more than a day ahead or before 1970, or with attributes over
 * their byte budget, is refused here with the same violations a batch would report.
 */
export function ingestEvent(deps: IngestDeps & Pick<InsightsDeps, 'records' | 'clock'>): ScopedHandler<typeof IngestService, 'ingestEvent'> {
  return async (request, context) => {
    const finished = deps.metrics.startBatch();
    try {
      // `required` on the field: the gate refused a request without one.
      const checked = deps.records.check(request.record!, 'record', deps.clock());
      if (!checked.ok) {
        deps.metrics.ingested(storedSource(request.record!.source), 'rejected');
        throw invalidFields(checked.violations);
      }
      const mutation = { method: IngestService.method.ingestEvent, request };
      return await ingestChecked(deps, context, mutation, [checked.record], ([stored]) => ({
        issueId: stored!.issueId,
        outcome: outcomeOf(stored!),
        patternId: stored!.patternId,
        grouping: stored!.grouping,
      }));
    } finally {
      finished();
    }
  };
}
