import type { Pool } from 'pg';
import type { Logger } from '@causeloop/platform/log';
import { appendAuditEntry, auditActor, type AuditActor } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { generateTraceId } from '@causeloop/platform/tracing';

/**
 * Key of the session advisory lock that makes one tenancy replica at a time the purge
 * leader (DESIGN §10). Any fixed 64-bit number works; this one spells "retentn".
 */
export const retentionPurgeLockKey = 0x726574656e746e;

export interface PurgeReport {
  /** False when another replica held the lock: this run did nothing. */
  readonly leader: boolean;
  readonly workspaces: number;
  readonly auditEntriesRemoved: number;
  /** Finished export jobs past their download window, removed with their parts. */
  readonly exportJobsRemoved: number;
}

const pageSize = 100;

/**
 * One retention run: take the advisory lock on a dedicated connection (or return when
 * another replica holds it), then purge each workspace in its own transaction under its
 * GUC, so one failing workspace does not stop the rest and a run cut short loses nothing.
 * The audit log goes through `tenancy_purge_audit_log()`, which uses the workspace's own
 * `retention_audit_days` (at least 365). Export results are kept for their download
 * window only (7 days): finished jobs past `expires_at` go, their parts with them. Issues,
 * activity and prompt logs join here when their tables exist.
 */
export async function runRetentionPurge(options: { pool: Pool; logger: Logger }): Promise<PurgeReport> {
  const { pool, logger } = options;
  const session = await pool.connect();
  let leader = false;
  try {
    const locked = await session.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [retentionPurgeLockKey]);
    leader = locked.rows[0]?.locked === true;
    if (!leader) return { leader: false, workspaces: 0, auditEntriesRemoved: 0, exportJobsRemoved: 0 };
    // A scheduled run continues no caller's trace: it gets one of its own, shared by every
    // entry it writes, so audit_log.trace_id is never NULL and one run's entries go together.
    const actor = auditActor({ traceId: generateTraceId() }, { kind: 'system', name: 'retention purge' });
    let workspaces = 0;
    let auditEntriesRemoved = 0;
    let exportJobsRemoved = 0;
    let after: string | null = null;
    for (;;) {
      const page: { rows: { workspace_id: string }[] } = await session.query<{ workspace_id: string }>('select workspace_id from tenancy_workspace_ids($1, $2)', [
        after,
        pageSize,
      ]);
      for (const { workspace_id: workspaceId } of page.rows) {
        try {
          const removed = await purgeWorkspace(pool, workspaceId, actor);
          auditEntriesRemoved += removed.auditEntries;
          exportJobsRemoved += removed.exportJobs;
          workspaces += 1;
        } catch (error) {
          logger.error({ err: error, workspace_id: workspaceId }, 'retention purge failed for a workspace');
        }
      }
      if (page.rows.length < pageSize) break;
      after = page.rows.at(-1)!.workspace_id;
    }
    return { leader: true, workspaces, auditEntriesRemoved, exportJobsRemoved };
  } finally {
    if (leader) await session.query('select pg_advisory_unlock($1)', [retentionPurgeLockKey]).catch(() => undefined);
    session.release();
  }
}

async function purgeWorkspace(
  pool: Pool,
  workspaceId: string,
  actor: AuditActor,
): Promise<{ auditEntries: number; exportJobs: number }> {
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
    if (removed > 0) {
      await appendAuditEntry(client, {
        ...actor,
        action: 'audit_log.purged',
        targetType: 'workspace',
        targetId: workspaceId,
        after: { entries_removed: removed },
      });
    }
    return { auditEntries: removed, exportJobs };
  });
}
