import type { Pool } from 'pg';
import { escapeIdentifier, escapeLiteral } from 'pg';
import { withTenant, type TenantClient } from '@causeloop/platform/db';
import type { ExportJobStore, ExportLease } from '../stores/export-job-store.js';

/** A part closes at this many rows or bytes, whichever comes first (messages stay under 4 MiB). */
export interface PartLimits {
  readonly rows: number;
  readonly bytes: number;
}

export interface ExportProgress {
  readonly jobId: string;
  readonly workspaceId: string;
  readonly rowsDone: number;
  readonly rowsTotal: number;
  readonly parts: number;
}

export interface RunExportJobOptions {
  readonly pool: Pool;
  readonly jobs: ExportJobStore;
  readonly workspaceId: string;
  readonly lease: ExportLease;
  readonly leaseMs: number;
  readonly partLimits: PartLimits;
  readonly signal: AbortSignal;
  /** Called after each part is committed (progress metrics, tests). */
  readonly onPart?: ((progress: ExportProgress) => Promise<void> | void) | undefined;
}

/** The export's own tables: exporting them would export earlier exports. */
const skippedTables = new Set(['export_jobs', 'export_job_parts']);

/**
 * Secrets never leave: every `*_encrypted` column (envelope ciphertexts), every `*_hash`
 * (token hashes), wrapped data keys and anything named a secret.
 */
export function isSecretColumn(name: string): boolean {
  return /_encrypted$|_hash$|^wrapped_key$|secret/.test(name);
}

export class LostLeaseError extends Error {
  override readonly name = 'LostLeaseError';
}

interface ExportTable {
  readonly name: string;
  readonly secretColumns: string[];
}

/** Every tenant table (a workspace_id column, or the workspace root) and its secret columns. */
async function exportTables(client: TenantClient): Promise<ExportTable[]> {
  const result = await client.query<{ name: string; secret_columns: string[] }>(
    `select c.relname as name,
            array(select a.attname::text from pg_attribute a
                   where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped order by a.attnum) as secret_columns
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and (c.relname = 'workspaces' or exists (
              select 1 from pg_attribute w where w.attrelid = c.oid and w.attname = 'workspace_id' and not w.attisdropped))
      order by (c.relname <> 'workspaces'), c.relname`,
  );
  return result.rows
    .filter((row) => !skippedTables.has(row.name))
    .map((row) => ({ name: row.name, secretColumns: row.secret_columns.filter(isSecretColumn) }));
}

function rowsQuery(table: ExportTable): string {
  const dropped = `array[${table.secretColumns.map(escapeLiteral).join(', ')}]::text[]`;
  return `select jsonb_build_object('table', ${escapeLiteral(table.name)}, 'row', to_jsonb(t) - ${dropped})::text as line
            from public.${escapeIdentifier(table.name)} t`;
}

/**
 * Exports one workspace as JSON lines (`{"table": …, "row": {…}}`) into numbered parts.
 * One reader transaction holds a cursor per table (a consistent view of each table while
 * it is read); each part commits in its own short transaction with the progress and a
 * renewed lease, fenced by the lease so a worker that lost the job writes nothing more.
 */
export async function runExportJob(options: RunExportJobOptions): Promise<ExportProgress> {
  const { pool, jobs, workspaceId, lease, leaseMs, partLimits, signal } = options;
  let rowsDone = 0;
  let parts = 0;
  let rowsTotal = 0;
  let lines: string[] = [];
  let bytes = 0;

  const flush = async (): Promise<void> => {
    if (lines.length === 0) return;
    const part = { index: parts, rows: lines.length, content: `${lines.join('\n')}\n` };
    const kept = await withTenant(pool, workspaceId, (client) => jobs.appendPart(client, lease, part, leaseMs));
    if (!kept) throw new LostLeaseError(`export job ${lease.jobId} is no longer held by this worker`);
    rowsDone += part.rows;
    parts += 1;
    lines = [];
    bytes = 0;
    await options.onPart?.({ jobId: lease.jobId, workspaceId, rowsDone, rowsTotal, parts });
  };

  await withTenant(pool, workspaceId, async (reader) => {
    const tables = await exportTables(reader);
    for (const table of tables) {
      const counted = await reader.query<{ count: string }>(`select count(*) from public.${escapeIdentifier(table.name)}`);
      rowsTotal += Number(counted.rows[0]?.count ?? 0);
    }
    const recorded = await withTenant(pool, workspaceId, (client) => jobs.setTotal(client, lease, rowsTotal, leaseMs));
    if (!recorded) throw new LostLeaseError(`export job ${lease.jobId} is no longer held by this worker`);
    for (const table of tables) {
      await reader.query(`declare export_rows no scroll cursor for ${rowsQuery(table)}`);
      for (;;) {
        signal.throwIfAborted();
        const batch = await reader.query<{ line: string }>('fetch forward 500 from export_rows');
        for (const { line } of batch.rows) {
          lines.push(line);
          bytes += Buffer.byteLength(line, 'utf8') + 1;
          if (lines.length >= partLimits.rows || bytes >= partLimits.bytes) await flush();
        }
        if (batch.rows.length < 500) break;
      }
      await reader.query('close export_rows');
    }
    await flush();
  });
  const finished = await withTenant(pool, workspaceId, (client) => jobs.succeed(client, lease));
  if (!finished) throw new LostLeaseError(`export job ${lease.jobId} is no longer held by this worker`);
  return { jobId: lease.jobId, workspaceId, rowsDone, rowsTotal: rowsDone, parts };
}
