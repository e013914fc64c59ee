import type { DescMethodUnary, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { IngestOutcome } from '@causeloop/proto/causeloop/insights/v1/ingest_pb.js';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { withIdempotentMutation } from '@causeloop/platform/idempotency';
import type { PrincipalCallContext } from '@causeloop/platform/identity';
import { canonicalUuid } from '@causeloop/platform/ids';
import type { InsightsDeps } from '../deps.js';
import type { CheckedRecord } from './failure-record.js';
import { storeRecords, type StoredRecord } from './store-records.js';

export type IngestDeps = Pick<
  InsightsDeps,
  'pool' | 'clock' | 'issues' | 'patterns' | 'routes' | 'minerState' | 'miners' | 'loops' | 'outbox' | 'recommendations' | 'workspaceQueue' | 'metrics' | 'jobWorker'
>;

/**
 * Stores checked records for an ingest RPC and answers it: one transaction that groups and
 * writes them, audits the batch and records the answer under the call's Idempotency-Key
 * (a retried batch replays the answer instead of counting its records twice). Calls for one
 * workspace queue here, then take the workspace's lock in the database (other replicas).
 */
export async function ingestChecked<M extends DescMethodUnary>(
  deps: IngestDeps,
  context: PrincipalCallContext,
  mutation: { readonly method: M; readonly request: MessageShape<M['input']> },
  records: readonly CheckedRecord[],
  answer: (stored: readonly StoredRecord[]) => MessageInitShape<M['output']>,
): Promise<MessageShape<M['output']>> {
  const workspaceId = canonicalUuid(context.principal.workspaceId) ?? context.principal.workspaceId;
  return deps.workspaceQueue(workspaceId, async () => {
    let batch: Awaited<ReturnType<typeof storeRecords>> | undefined;
    const response = await withIdempotentMutation(deps.pool, context, mutation, async (client) => {
      batch = await storeRecords(deps, client, workspaceId, records);
      if (batch.stored.length > 0) {
        const created = new Set(batch.stored.filter((record) => record.created).map((record) => record.issueId)).size;
        const issues = new Set(batch.stored.map((record) => record.issueId)).size;
        await appendAuditEntry(client, {
          ...auditActor(context),
          action: 'issue.ingested',
          targetType: 'ingest_batch',
          after: { records: records.length, created, updated: issues - created, patterns: new Set(batch.stored.map((record) => record.patternId)).size },
        });
      }
      return answer(batch.stored);
    });
    batch?.commit();
    // A pattern that became active queued its analysis: no need to wait for the next poll.
    if ((batch?.queuedJobs ?? 0) > 0) deps.jobWorker?.wake();
    batch?.decisions.forEach((kind) => deps.metrics.grouped(kind));
    records.forEach((record, index) => {
      const stored = batch?.stored[index];
      if (stored !== undefined) deps.metrics.ingested(record.source, stored.created ? 'created' : 'updated');
    });
    return response;
  });
}

export function outcomeOf(stored: StoredRecord): IngestOutcome {
  return stored.created ? IngestOutcome.CREATED : IngestOutcome.UPDATED;
}
