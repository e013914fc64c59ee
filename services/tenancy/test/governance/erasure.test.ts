import { ErasureRequestStatus, ExportJobStatus } from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEntry } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { verifyErasureCertificate } from '../../src/certificates/erasure-certificate.js';
import { startGovernanceStack, type GovernanceStack, type Person } from './governance-server.js';

let stack: GovernanceStack;
let workspace: string;
let olive: Person;
let oscar: Person;
let adam: Person;
let subject: Person;

/**
 * Every row of every table, as the owner, whose text or JSON mentions one of `needles`:
 * `<table>.<column>` for each hit. Tenant tables are read under the workspace's GUC
 * (FORCE RLS binds the owner too); global tables (users, organizations, …) in full.
 */
async function tracesOf(needles: readonly string[]): Promise<string[]> {
  const owner = new Client({ connectionString: stack.database.ownerUrl });
  await owner.connect();
  try {
    await owner.query('begin');
    await owner.query(`select set_config('app.current_workspace', $1, true)`, [workspace]);
    const columns = await owner.query<{ table_name: string; column_name: string }>(
      `select c.relname as table_name, a.attname as column_name
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        where n.nspname = 'public' and c.relkind in ('r', 'p')
          and a.atttypid in ('text'::regtype, 'varchar'::regtype, 'bpchar'::regtype, 'json'::regtype, 'jsonb'::regtype,
                             'text[]'::regtype, 'varchar[]'::regtype)
        order by 1, 2`,
    );
    const hits: string[] = [];
    for (const { table_name, column_name } of columns.rows) {
      const found = await owner.query(
        `select 1 from public."${table_name}" where "${column_name}"::text ilike any ($1) limit 1`,
        [needles.map((needle) => `%${needle}%`)],
      );
      if (found.rowCount! > 0) hits.push(`${table_name}.${column_name}`);
    }
    await owner.query('commit');
    return hits;
  } finally {
    await owner.end();
  }
}

beforeAll(async () => {
  stack = await startGovernanceStack();
  workspace = await stack.newWorkspace('Forgetful');
  olive = await stack.addPerson(workspace, 'owner', 'Olive Owner');
  oscar = await stack.addPerson(workspace, 'owner', 'Oscar Owner');
  adam = await stack.addPerson(workspace, 'admin', 'Adam Admin');
  subject = await stack.addPerson(workspace, 'analyst', 'Samantha Subjectova', 'sam.subject@example.com');
  // Traces of the subject across tables: their own audit entries (name, IP), entries about
  // them (before/after), an invitation to their address, a token named after them.
  await withTenant(stack.pool, workspace, async (client) => {
    await appendAuditEntry(client, {
      actorId: olive.id, actorName: olive.name, actorKind: 'user', action: 'member.invited',
      targetType: 'invitation', targetId: 'sam.subject@example.com',
      after: { email: 'SAM.SUBJECT@example.com', note: 'welcome Samantha Subjectova!' }, traceId: 'trace-invited',
    });
    await appendAuditEntry(client, {
      actorId: subject.id, actorName: subject.name, actorKind: 'user', action: 'issue.updated',
      before: { assignee: { name: 'Samantha Subjectova' } }, after: { assignee: null }, ipAddress: '198.51.100.7',
      traceId: 'trace-updated',
    });
    await client.query(
      `insert into invitations (workspace_id, id, email, role, token_hash, invited_by, expires_at)
       values (app_current_tenant(), $1, 'sam.subject@example.com', 'analyst', $2, $3, now() + interval '7 days')`,
      [uuidv7(), randomBytes(32), olive.id],
    );
    await client.query(
      `insert into api_tokens (workspace_id, id, kind, user_id, name, token_hash, display_prefix, scopes)
       values (app_current_tenant(), $1, 'personal_access', $2, 'Samantha Subjectova laptop', $3, 'clp_pat_sam1', '{issues:read}')`,
      [uuidv7(), subject.id, randomBytes(32)],
    );
  });
});

afterAll(async () => {
  await stack?.close();
});

describe('right-to-be-forgotten', () => {
  it('leaves no trace of the subject’s email or name in any table once a second owner approves', async () => {
    // An export made before the erasure holds the subject's data too.
    stack.startWorker();
    const { job } = await stack.governance.createExportJob({ workspaceId: workspace }, await stack.as(olive, workspace));
    for (;;) {
      const { job: current } = await stack.governance.getExportJob({ workspaceId: workspace, jobId: job!.id }, await stack.as(olive, workspace));
      if (current!.status === ExportJobStatus.SUCCEEDED) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await stack.stopWorkers();

    const needles = [subject.email, subject.name, 'Subjectova'];
    // The scan finds what there is to find (so an empty answer later means something).
    expect(await tracesOf(needles)).toEqual(
      expect.arrayContaining([
        'users.email', 'users.display_name', 'audit_log.actor_name', 'audit_log.after', 'audit_log.before',
        'audit_log.target_id', 'invitations.email', 'api_tokens.name', 'export_job_parts.content',
      ]),
    );

    const { request } = await stack.governance.createErasureRequest(
      { workspaceId: workspace, subjectId: subject.id },
      await stack.as(olive, workspace),
    );
    expect(request).toMatchObject({ status: ErasureRequestStatus.PENDING, requestedBy: olive.id, subjectId: subject.id });

    // The four-eyes rule: the requester cannot approve; an admin lacks governance:write; a
    // service account (even an owner's) is not a person.
    await expect(
      stack.governance.approveErasureRequest({ workspaceId: workspace, requestId: request!.id }, await stack.as(olive, workspace)),
    ).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(
      stack.governance.approveErasureRequest({ workspaceId: workspace, requestId: request!.id }, await stack.as(adam, workspace)),
    ).rejects.toMatchObject({ code: 'insufficient_scope' });
    await expect(
      stack.governance.approveErasureRequest(
        { workspaceId: workspace, requestId: request!.id },
        await stack.as(oscar, workspace, { serviceAccount: true }),
      ),
    ).rejects.toMatchObject({ code: 'permission_denied' });
    expect(await tracesOf(needles)).toContain('users.email'); // nothing happened yet

    const { request: done } = await stack.governance.approveErasureRequest(
      { workspaceId: workspace, requestId: request!.id },
      await stack.as(oscar, workspace),
    );
    expect(done).toMatchObject({ status: ErasureRequestStatus.COMPLETED, decidedBy: oscar.id });
    expect(await tracesOf(needles)).toEqual([]);
    // Nor the IP address of the subject's own actions.
    const ips = await withTenant(stack.pool, workspace, (client) =>
      client.query(`select count(*)::int as n from audit_log where ip_address = '198.51.100.7'`),
    );
    expect(ips.rows[0]!.n).toBe(0);

    // The certificate verifies with the published key, states counts, names nobody, and
    // any change to it breaks the signature.
    const certificate = done!.certificate!;
    const key = await stack.governance.getCertificateSigningKey({ workspaceId: workspace }, await stack.as(adam, workspace));
    expect(key).toMatchObject({ algorithm: 'Ed25519', keyId: certificate.keyId });
    expect(verifyErasureCertificate(certificate, key.publicKeyPem)).toBe(true);
    const claims = JSON.parse(certificate.payload) as Record<string, unknown>;
    expect(claims).toMatchObject({
      type: 'causeloop.erasure-certificate.v1',
      request_id: request!.id,
      workspace_id: workspace,
      subject_id: subject.id,
      requested_by: olive.id,
      approved_by: oscar.id,
      key_id: key.keyId,
    });
    expect(claims['counts']).toMatchObject({
      users: 1,
      'invitations.email': 1,
      'api_tokens.name': 1,
      'export_job_parts.content': 1,
      'api_tokens.revoked': 1,
      'workspace_members.removed': 1,
    });
    expect((claims['counts'] as Record<string, number>)['audit_log.after']).toBeGreaterThanOrEqual(1);
    const forged = certificate.payload.replace('"users":1', '"users":0');
    expect(verifyErasureCertificate({ ...certificate, payload: forged }, key.publicKeyPem)).toBe(false);

    // The erased member's tokens are revoked and the membership ended.
    const state = await withTenant(stack.pool, workspace, (client) =>
      client.query(
        `select (select status from workspace_members where user_id = $1) as status,
                (select count(*)::int from api_tokens where user_id = $1 and revoked_at is null) as live_tokens`,
        [subject.id],
      ),
    );
    expect(state.rows[0]).toEqual({ status: 'removed', live_tokens: 0 });

    // Completed requests are final.
    await expect(
      stack.governance.approveErasureRequest({ workspaceId: workspace, requestId: request!.id }, await stack.as(olive, workspace)),
    ).rejects.toMatchObject({ code: 'unprocessable' });
    const audit = await withTenant(stack.pool, workspace, (client) =>
      client.query(`select action from audit_log where target_id = $1 order by created_at, id`, [request!.id]),
    );
    expect(audit.rows.map((row) => row.action)).toEqual(['erasure.requested', 'erasure.completed']);
  });

  it('refuses to execute a request approved by its own requester, even called straight in SQL as the app role', async () => {
    const target = await stack.addPerson(workspace, 'viewer', 'Vera Viewer');
    const { request } = await stack.governance.createErasureRequest(
      { workspaceId: workspace, subjectId: target.id },
      await stack.as(olive, workspace),
    );
    await expect(
      withTenant(stack.pool, workspace, (client) => client.query('select governance_erase_subject($1, $2)', [request!.id, olive.id])),
    ).rejects.toThrow(/second approver/);
    // Nor by a member who is not an owner or admin.
    await expect(
      withTenant(stack.pool, workspace, (client) => client.query('select governance_erase_subject($1, $2)', [request!.id, target.id])),
    ).rejects.toThrow(/not an active owner or admin/);
    // Nor from another workspace's tenant context.
    const elsewhere = await stack.newWorkspace('Elsewhere');
    await expect(
      withTenant(stack.pool, elsewhere, (client) => client.query('select governance_erase_subject($1, $2)', [request!.id, oscar.id])),
    ).rejects.toThrow(/not found/);
    const users = await withTenant(stack.pool, workspace, (client) =>
      client.query(`select auth_member_display_name($1) as name`, [target.id]),
    );
    expect(users.rows[0]!.name).toBe('Vera Viewer');

    // Rejected (the requester may withdraw their own request) and then final.
    const { request: rejected } = await stack.governance.rejectErasureRequest(
      { workspaceId: workspace, requestId: request!.id },
      await stack.as(olive, workspace),
    );
    expect(rejected).toMatchObject({ status: ErasureRequestStatus.REJECTED, decidedBy: olive.id });
    await expect(
      stack.governance.approveErasureRequest({ workspaceId: workspace, requestId: request!.id }, await stack.as(oscar, workspace)),
    ).rejects.toMatchObject({ code: 'unprocessable' });
  });

  it('refuses a subject who belongs to another workspace, and one who is not a member', async () => {
    const shared = await stack.addPerson(workspace, 'viewer', 'Shay Shared');
    const other = await stack.newWorkspace('Other');
    await withTenant(stack.pool, other, (client) =>
      client.query(`insert into workspace_members (workspace_id, user_id, role) values ($1, $2, 'viewer')`, [other, shared.id]),
    );
    const { request } = await stack.governance.createErasureRequest(
      { workspaceId: workspace, subjectId: shared.id },
      await stack.as(olive, workspace),
    );
    await expect(
      stack.governance.approveErasureRequest({ workspaceId: workspace, requestId: request!.id }, await stack.as(oscar, workspace)),
    ).rejects.toMatchObject({ code: 'unprocessable', message: expect.stringContaining('other workspaces') });
    const { request: still } = await stack.governance.getErasureRequest(
      { workspaceId: workspace, requestId: request!.id },
      await stack.as(adam, workspace),
    );
    expect(still?.status).toBe(ErasureRequestStatus.PENDING);
    await expect(
      stack.governance.createErasureRequest({ workspaceId: workspace, subjectId: uuidv7() }, await stack.as(olive, workspace)),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      stack.governance.createErasureRequest({ workspaceId: workspace, subjectId: shared.id }, await stack.as(olive, workspace)),
    ).rejects.toMatchObject({ code: 'already_exists' });
  });
});
