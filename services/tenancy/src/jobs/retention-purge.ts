import type { Pool } from 'pg';
import type { Logger } from '@causeloop/platform/log';
import { appendAuditEntry, auditActor, type AuditActor } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { generateTraceId } from '@causeloop/platform/tracing';

export interface PurgeReport {
  readonly workspaces: number;
  readonly auditEntriesRemoved: number;
  /** Finished export jobs past their download window, removed with their parts. */
  readonly exportJobsRemoved: number;
  /** Insights' LLM prompt logs older than their workspace's retention_prompt_logs_days. */
  readonly promptLogsRemoved: number;
}

const pageSize = 100;

/**
 * One retention run, on the leader only (main.ts guards it with `leaderOnly`, DESIGN §10):
 * each workspace is purged in its own transaction under its GUC, so one failing workspace
 * does not stop the rest and a run cut short loses nothing; `signal` (leadership lost,
 * shutdown) stops it between workspaces. The audit log goes through
 * `tenancy_purge_audit_log()`, which uses the workspace's own `retention_audit_days` (at
 * least 365). Export results are kept for their download window only (7 days): finished
 * jobs past `expires_at` go, their parts with them. Insights' LLM prompt logs go after the
 * workspace's `retention_prompt_logs_days` (0 keeps them) through
 * `tenancy_purge_prompt_logs()`. Issues and activity join here when their tables exist.
 *
 * No lock of its own: should two leaders briefly overlap (one paused past its lease), both
 * delete the same expired rows, the second finds none, and an entry is written only for
 * rows actually removed, so a double run changes nothing.
 */
export async function runRetentionPurge(options: { pool: Pool; logger: Logger; signal?: AbortSignal }): Promise<PurgeReport> {
  const { pool, logger, signal } = options;
  // A scheduled run continues no caller's trace: it gets one of its own, shared by every
  // entry it writes, so audit_log.trace_id is never NULL and one run's entries go together.
  const actor = auditActor({ traceId: generateTraceId() }, { kind: 'system', name: 'retention purge' });
  let workspaces = 0;
  let auditEntriesRemoved = 0;
  let exportJobsRemoved = 0;
  let promptLogsRemoved = 0;
  let after: string | null = null;
  for (;;) {
    const page: { rows: { workspace_id: string }[] } = await pool.query<{ workspace_id: string }>('select workspace_id from tenancy_workspace_ids($1, $2)', [
      after,
      pageSize,
    ]);
    for (const { workspace_id: workspaceId } of page.rows) {
      if (signal?.aborted === true) return { workspaces, auditEntriesRemoved, exportJobsRemoved, promptLogsRemoved };
      try {
        const removed = await purgeWorkspace(pool, workspaceId, actor);
        auditEntriesRemoved += removed.auditEntries;
        exportJobsRemoved += removed.exportJobs;
        promptLogsRemoved += removed.promptLogs;
        workspaces += 1;
      } catch (error) {
        logger.error({ err: error, workspace_id: workspaceId }, 'retention purge failed for a workspace');
      }
    }
    if (page.rows.length < pageSize) break;
    after = page.rows.at(-1)!.workspace_id;
  }
  return { workspaces, auditEntriesRemoved, exportJobsRemoved, promptLogsRemoved };
}

async function purgeWorkspace(
  pool: Pool,
  workspaceId: string,
  actor: AuditActor,
): Promise<{ auditEntries: number; exportJobs: number; promptLogs: number }> {
  return withTenant(pool, workspaceId, async (client) => {
    const result = await client.query<{ removed: string }>('select tenancy_purge_audit_log() as removed');
    const removed = Number(result.rows[0]?.removed ?? 0);
    // Only finished jobs: a queued or running one is still the worker's (it fails a job
    // after its last attempt, which makes it finished). Parts go by ON DELETE CASCADE.
    const exports = await client.query(
      `delete from export_jobs where expires_at <= now() and status in ('succeeded', 'failed')`,
    );
    const exportJobs = exports.rowCount ?? 0;
    if (exportJobs > 0) {
      await appendAuditEntry(client, {
        ...actor,
        action: 'export.purged',
        targetType: 'workspace',
        targetId: workspaceId,
        after: { jobs_removed: exportJobs },
      });
    }
    const prompts = await client.query<{ removed: string }>('select tenancy_purge_prompt_logs() as removed');
    const promptLogs = Number(prompts.rows[0]?.removed ?? 0);
    if (promptLogs > 0) {
      await appendAuditEntry(client, {
        ...actor,
        action: 'prompt_logs.purged',
        targetType: 'workspace',
        targetId: workspaceId,
        after: { entries_removed: promptLogs },
      });
    }
    if (removed > 0) {
      await appendAuditEntry(client, {
        ...actor,
        action: 'audit_log.purged',
        targetType: 'workspace',
        targetId: workspaceId,
        after: { entries_removed: removed },
      });
    }
    return { auditEntries: removed, exportJobs, promptLogs };
  });
}
