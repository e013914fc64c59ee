import { ExportJobStatus, type ExportJob } from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClient, withTenant } from '@causeloop/platform/db';
import { PgExportJobStore } from '../../src/stores/export-job-store.js';
import type { ExportProgress } from '../../src/jobs/run-export-job.js';
import { startGovernanceStack, type GovernanceStack, type Person } from './governance-server.js';

let stack: GovernanceStack;
let workspace: string;
let owner: Person;
let admin: Person;
const tokenHashHex = 'ab'.repeat(32);
const wrappedKeyHex = 'cd'.repeat(40);

const finished = (job: ExportJob | undefined) =>
  job !== undefined && (job.status === ExportJobStatus.SUCCEEDED || job.status === ExportJobStatus.FAILED);

async function waitForJob(id: string, caller: Person = owner): Promise<ExportJob> {
  for (;;) {
    const { job } = await stack.governance.getExportJob({ workspaceId: workspace, jobId: id }, await stack.as(caller, workspace));
    if (finished(job)) return job!;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A crashed worker's lease running out, without waiting for it (as the superuser, test set-up only). */
async function expireLease(jobId: string): Promise<void> {
  await withClient(stack.database.adminUrl, (client) =>
    client.query(`update export_jobs set lease_expires_at = now() - interval '1 second' where id = $1`, [jobId]),
  );
}

async function download(job: ExportJob): Promise<string[]> {
  const lines: string[] = [];
  for (let part = 0; part < job.parts; part++) {
    const answer = await stack.governance.getExportJobPart({ workspaceId: workspace, jobId: job.id, part }, await stack.as(owner, workspace));
    expect(answer).toMatchObject({ part, parts: job.parts, contentType: 'application/x-ndjson' });
    lines.push(...answer.content.trimEnd().split('\n'));
  }
  return lines;
}

beforeAll(async () => {
  stack = await startGovernanceStack();
  workspace = await stack.newWorkspace('Exported');
  owner = await stack.addPerson(workspace, 'owner', 'Olga Owner');
  admin = await stack.addPerson(workspace, 'admin', 'Adam Admin');
  const ids = Array.from({ length: 10_000 }, () => uuidv7());
  await withTenant(stack.pool, workspace, async (client) => {
    // 10,000 rows in one statement.
    await client.query(
      `insert into audit_log (id, workspace_id, action, action_category, after)
       select id, app_current_tenant(), 'bulk.row', 'bulk', jsonb_build_object('n', n)
         from unnest($1::uuid[]) with ordinality as u(id, n)`,
      [ids],
    );
    // Secrets that must never be exported: a token hash and a wrapped data key.
    await client.query(
      `insert into api_tokens (workspace_id, id, kind, user_id, name, token_hash, display_prefix, scopes)
       values (app_current_tenant(), $1, 'personal_access', $2, 'ci', decode($3, 'hex'), 'clp_pat_abcd', '{issues:read}')`,
      [uuidv7(), owner.id, tokenHashHex],
    );
    await client.query(
      `insert into workspace_keys (workspace_id, dek_version, wrapped_key, kek_version) values (app_current_tenant(), 1, decode($1, 'hex'), 1)`,
      [wrappedKeyHex],
    );
  });
});

afterAll(async () => {
  await stack?.close();
});

describe('workspace export jobs', () => {
  it('export a workspace of 10,000+ rows completely as JSON lines, reporting progress while running', async () => {
    const observed: { progress: ExportProgress; job: ExportJob }[] = [];
    const { job: queued } = await stack.governance.createExportJob({ workspaceId: workspace }, await stack.as(owner, workspace));
    expect(queued?.status).toBe(ExportJobStatus.QUEUED);
    // Progress as an API caller sees it, read between parts (while the job still runs).
    stack.startWorker({
      partLimits: { rows: 1_000, bytes: 4 * 1024 * 1024 },
      onPart: async (progress) => {
        if (observed.length >= 3) return;
        const { job } = await stack.governance.getExportJob({ workspaceId: workspace, jobId: progress.jobId }, await stack.as(admin, workspace));
        observed.push({ progress, job: job! });
      },
    });
    const done = await waitForJob(queued!.id);
    expect(done).toMatchObject({ status: ExportJobStatus.SUCCEEDED, attempts: 1, error: '' });
    expect(Number(done.rowsDone)).toBe(Number(done.rowsTotal));
    expect(Number(done.rowsTotal)).toBeGreaterThan(10_000);

    expect(observed.map(({ job }) => job.status)).toEqual(Array(3).fill(ExportJobStatus.RUNNING));
    expect(observed.map(({ job }) => Number(job.rowsDone))).toEqual([1_000, 2_000, 3_000]);
    for (const { job } of observed) expect(Number(job.rowsTotal)).toBe(Number(done.rowsTotal));

    const lines = await download(done);
    expect(lines).toHaveLength(Number(done.rowsTotal));
    const records = lines.map((line) => JSON.parse(line) as { table: string; row: Record<string, unknown> });
    const perTable = new Map<string, number>();
    for (const record of records) perTable.set(record.table, (perTable.get(record.table) ?? 0) + 1);
    expect(perTable.get('audit_log')).toBeGreaterThanOrEqual(10_000);
    expect(perTable.get('workspaces')).toBe(1);
    expect(perTable.get('workspace_members')).toBe(2);
    expect(perTable.get('api_tokens')).toBe(1);
    expect(perTable.get('workspace_keys')).toBe(1);
    expect(perTable.has('export_jobs')).toBe(false);
    const bulk = records.filter((record) => record.row['action'] === 'bulk.row').map((record) => (record.row['after'] as { n: number }).n);
    expect(new Set(bulk).size).toBe(10_000);
    // Secrets left out: the hash and the wrapped key appear nowhere, nor their columns.
    const everything = lines.join('\n');
    expect(everything).not.toContain(tokenHashHex);
    expect(everything).not.toContain(wrappedKeyHex);
    const token = records.find((record) => record.table === 'api_tokens')!.row;
    expect(token).not.toHaveProperty('token_hash');
    expect(token).toMatchObject({ name: 'ci', display_prefix: 'clp_pat_abcd' });
    expect(records.find((record) => record.table === 'workspace_keys')!.row).not.toHaveProperty('wrapped_key');

    // The download itself is audited.
    const audit = await withTenant(stack.pool, workspace, (client) =>
      client.query(`select count(*)::int as n from audit_log where action = 'export.downloaded' and target_id = $1`, [done.id]),
    );
    expect(audit.rows[0]!.n).toBe(done.parts);
  });

  it('retries a job whose worker died once its lease lapses, and fences off the dead worker', async () => {
    await stack.stopWorkers();
    const { job: queued } = await stack.governance.createExportJob({ workspaceId: workspace }, await stack.as(owner, workspace));
    // A worker claims it and "crashes": it never renews its lease, which runs out.
    const claimed = await stack.pool.query(`select * from governance_claim_export_job('crashed-worker', interval '1 minute', 3)`);
    expect(claimed.rows).toEqual([{ workspace_id: workspace, job_id: queued!.id, attempt: 1 }]);
    // Held: nobody else can claim it while the lease lasts.
    expect((await stack.pool.query(`select * from governance_claim_export_job('other', interval '1 minute', 3)`)).rows).toEqual([]);
    await expireLease(queued!.id);
    stack.startWorker();
    const done = await waitForJob(queued!.id);
    expect(done).toMatchObject({ status: ExportJobStatus.SUCCEEDED, attempts: 2 });
    // The crashed worker waking up cannot write into the job any more.
    const late = await withTenant(stack.pool, workspace, (client) =>
      new PgExportJobStore().appendPart(client, { jobId: queued!.id, workerId: 'crashed-worker', attempt: 1 }, { index: done.parts, rows: 1, content: '{}\n' }, 60_000),
    );
    expect(late).toBe(false);
    expect((await download(done)).length).toBe(Number(done.rowsTotal));
  });

  it('fails a job for good after its last attempt', async () => {
    await stack.stopWorkers();
    const { job: queued } = await stack.governance.createExportJob({ workspaceId: workspace }, await stack.as(owner, workspace));
    for (let attempt = 1; attempt <= 3; attempt++) {
      const claimed = await stack.pool.query(`select attempt from governance_claim_export_job('crashing-' || $1, interval '1 minute', 3)`, [attempt]);
      expect(claimed.rows).toEqual([{ attempt }]);
      await expireLease(queued!.id);
    }
    // The next look for work gives it up instead of claiming it a fourth time.
    expect((await stack.pool.query(`select * from governance_claim_export_job('next', interval '1 minute', 3)`)).rows).toEqual([]);
    const done = await waitForJob(queued!.id);
    expect(done).toMatchObject({ status: ExportJobStatus.FAILED, attempts: 3, error: 'gave up after 3 attempts' });
    await expect(
      stack.governance.getExportJobPart({ workspaceId: workspace, jobId: queued!.id, part: 0 }, await stack.as(owner, workspace)),
    ).rejects.toMatchObject({ code: 'unprocessable' });
  });

  it('shares jobs between workers without running one twice', async () => {
    stack.startWorker();
    stack.startWorker();
    const as = await stack.as(owner, workspace);
    const jobs = await Promise.all([1, 2, 3, 4].map(() => stack.governance.createExportJob({ workspaceId: workspace }, as)));
    const done = await Promise.all(jobs.map(({ job }) => waitForJob(job!.id)));
    for (const job of done) expect(job).toMatchObject({ status: ExportJobStatus.SUCCEEDED, attempts: 1 });
  });

  it('needs governance:write to export or download (admins only read status), and stays inside the workspace', async () => {
    await expect(stack.governance.createExportJob({ workspaceId: workspace }, await stack.as(admin, workspace))).rejects.toMatchObject({
      code: 'insufficient_scope',
    });
    const other = await stack.newWorkspace('Other');
    const stranger = await stack.addPerson(other, 'owner', 'Stan Stranger');
    const { job } = await stack.governance.createExportJob({ workspaceId: workspace }, await stack.as(owner, workspace));
    const asStranger = await stack.as(stranger, other);
    await expect(stack.governance.getExportJob({ workspaceId: workspace, jobId: job!.id }, asStranger)).rejects.toMatchObject({ code: 'not_found' });
    await expect(stack.governance.getExportJob({ workspaceId: other, jobId: job!.id }, asStranger)).rejects.toMatchObject({ code: 'not_found' });
    await expect(stack.governance.createExportJob({ workspaceId: workspace }, asStranger)).rejects.toMatchObject({ code: 'not_found' });
    await waitForJob(job!.id);
    await expect(
      stack.governance.getExportJobPart({ workspaceId: other, jobId: job!.id, part: 0 }, asStranger),
    ).rejects.toMatchObject({ code: 'not_found' });
    const rows = await withClient(stack.database.adminUrl, (client) =>
      client.query(`select count(*)::int as n from export_jobs where workspace_id = $1`, [other]),
    );
    expect(rows.rows[0].n).toBe(0);
  });
});
