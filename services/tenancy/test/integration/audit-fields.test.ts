import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, withTenant } from '@causeloop/platform/db';
import { createLogger } from '@causeloop/platform/log';
import { createExportWorker } from '../../src/jobs/export-worker.js';
import { runRetentionPurge } from '../../src/jobs/retention-purge.js';
import { PgExportJobStore } from '../../src/stores/export-job-store.js';
import { acceptThroughGateway, bearer, signIn, startTenancyStack, type TenancyStack } from '../support/tenancy-stack.js';

// Every audited action of auth and tenancy, performed once through the real services (auth
// as a process, tenancy on a real gRPC server, the gateway in front), then read back: no
// entry may lack actor_kind or trace_id. It lives here because the tenancy stack is the one
// harness that runs both services behind one gateway.

/** Every action the code can write: the `action: '<category>.<verb>'` literals of both services' sources. */
function actionsInSource(): Set<string> {
  const actions = new Set<string>();
  for (const root of [path.resolve(import.meta.dirname, '../../src'), path.resolve(import.meta.dirname, '../../../auth/src')]) {
    for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts')) continue;
      for (const match of readFileSync(path.join(root, file), 'utf8').matchAll(/\baction: '([a-z_]+\.[a-z_]+)'/g)) {
        actions.add(match[1]!);
      }
    }
  }
  return actions;
}

interface AuditRow {
  action: string;
  actor_kind: string | null;
  trace_id: string | null;
  after: Record<string, unknown> | null;
}

const traceparent = (traceId: string) => `00-${traceId}-00f067aa0ba902b7-01`;
const directTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
const gatewayTrace = '0af7651916cd43dd8448eb211c80319c';

let stack: TenancyStack;
let workspaceId: string;
let rows: AuditRow[];
let purgeReport: Awaited<ReturnType<typeof runRetentionPurge>>;

beforeAll(async () => {
  stack = await startTenancyStack();
  const { gateway } = stack;
  const created = await stack.provision({ slug: 'audited', ownerEmail: 'olive@audited.example' }); // organization.created, member.invited
  workspaceId = created.workspace!.id;
  const base = `/v1/workspaces/${workspaceId}`;
  const send = async <T = unknown>(
    method: 'POST' | 'PATCH' | 'DELETE' | 'GET',
    url: string,
    token: string,
    payload?: object,
    headers: Record<string, string> = {},
  ): Promise<T> => {
    const response = await gateway.inject({ method, url, headers: { ...bearer(token), ...headers }, ...(payload === undefined ? {} : { payload }) });
    if (response.statusCode !== 200) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
    return response.json() as T;
  };
  type Created = { token: { id: string }; secret: string };
  type Identified<K extends string> = Record<K, { id: string }>;
  const join = async (inviter: string, email: string, role: string): Promise<string> => {
    const { token } = await send<{ token: string }>('POST', `${base}/invitations`, inviter, { email, role }); // member.invited
    const accepted = await acceptThroughGateway(gateway, token); // member.joined
    return (JSON.parse(accepted.body) as { member: { user_id: string } }).member.user_id;
  };

  await acceptThroughGateway(gateway, created.ownerInvitationToken);
  const olive = await signIn(gateway, 'olive@audited.example'); // auth.exchanged
  await join(olive, 'oscar@audited.example', 'ROLE_OWNER');
  const oscar = await signIn(gateway, 'oscar@audited.example');
  const ana = await join(olive, 'ana@audited.example', 'ROLE_ANALYST');
  const sam = await join(olive, 'sam@audited.example', 'ROLE_VIEWER');

  await send('PATCH', base, olive, { name: 'Audited Team' }, { traceparent: traceparent(gatewayTrace) }); // workspace.updated
  await send('PATCH', `${base}/retention`, olive, { audit_days: 400 }); // retention.updated
  await send('PATCH', `${base}/members/${ana}`, olive, { role: 'ROLE_VIEWER' }); // member.role_changed
  await send('DELETE', `${base}/members/${ana}`, olive); // member.removed

  const pat = await send<Created>('POST', '/v1/api-tokens', olive, { name: 'audited', scopes: ['workspace:write'] }); // token.created
  // A cluster client calling tenancy directly, with its own trace.
  await stack.workspaces.updateWorkspace(
    { workspaceId, description: 'set directly' },
    { metadata: { ...bearer(pat.secret), traceparent: traceparent(directTrace) } },
  );
  await send('POST', `/v1/api-tokens/${pat.token.id}/rotate`, olive, {}); // token.rotated
  await send('DELETE', `/v1/api-tokens/${pat.token.id}`, olive); // token.revoked
  const account = await send<Identified<'service_account'>>('POST', '/v1/service-accounts', olive, {
    name: 'robot',
    role: 'ROLE_VIEWER',
  }); // service_account.created
  const accountBase = `/v1/service-accounts/${account.service_account.id}/tokens`;
  const accountToken = await send<Created>('POST', accountBase, olive, { name: 'robot-token', scopes: ['issues:read'] }); // token.created
  await send('DELETE', `${accountBase}/${accountToken.token.id}`, olive); // token.revoked

  const rejected = await send<Identified<'request'>>('POST', `${base}/erasure-requests`, olive, { subject_id: sam }); // erasure.requested
  await send('POST', `${base}/erasure-requests/${rejected.request.id}/reject`, oscar, {}); // erasure.rejected
  const approved = await send<Identified<'request'>>('POST', `${base}/erasure-requests`, olive, { subject_id: sam });
  await send('POST', `${base}/erasure-requests/${approved.request.id}/approve`, oscar, {}); // erasure.completed

  const queued = await send<Identified<'job'>>('POST', `${base}/exports`, olive, {}); // export.requested
  const jobs = new PgExportJobStore();
  const logger = createLogger({ service: 'audit-test', level: 'silent' });
  const worker = createExportWorker({ pool: stack.pool, logger, jobs, pollIntervalMs: 50 });
  worker.start();
  let job: { status: string };
  do {
    ({ job } = await send<{ job: { status: string } }>('GET', `${base}/exports/${queued.job.id}`, olive));
  } while (job.status !== 'EXPORT_JOB_STATUS_SUCCEEDED' && job.status !== 'EXPORT_JOB_STATUS_FAILED');
  await worker.stop();
  await send('GET', `${base}/exports/${queued.job.id}/parts/0`, olive); // export.downloaded

  // The scheduled purge: an entry past the 400 days kept, and the export past its window.
  await stack.asAdmin(
    `insert into audit_log (id, workspace_id, action, action_category, actor_kind, trace_id, created_at)
     values (gen_random_uuid(), $1, 'test.aged', 'test', 'system', $2, now() - interval '500 days')`,
    [workspaceId, directTrace],
  );
  await stack.asAdmin(`update export_jobs set expires_at = now() - interval '1 second' where workspace_id = $1`, [workspaceId]);
  // A prompt log older than the 30 days the workspace keeps them.
  await stack.asAdmin(`update workspaces set retention_prompt_logs_days = 30 where id = $1`, [workspaceId]);
  await stack.asAdmin(
    `insert into llm_prompt_logs (workspace_id, id, purpose, attempt, provider, model, prompt, outcome, created_at)
     values ($1, gen_random_uuid(), 'analysis', 1, 'offline', 'offline', 'prompt', 'ok', now() - interval '31 days')`,
    [workspaceId],
  );
  purgeReport = await runRetentionPurge({ pool: stack.pool, logger }); // export.purged, audit_log.purged, prompt_logs.purged

  // Read back as the owner role, which writes nothing here: what the log holds, as it holds it.
  const owner = createPool({ connectionString: stack.database.ownerUrl, applicationName: 'audit-fields-test', max: 1 });
  try {
    rows = await withTenant(owner, workspaceId, async (client) =>
      (await client.query<AuditRow>('select action, actor_kind, trace_id, after from audit_log order by created_at, id')).rows,
    );
  } finally {
    await owner.end();
  }
});

afterAll(async () => {
  await stack?.close();
});

describe('audit entries', () => {
  it('cover every action the code can write, each performed above', () => {
    expect(purgeReport).toMatchObject({ auditEntriesRemoved: 1, exportJobsRemoved: 1 });
    expect(new Set(rows.map((row) => row.action))).toEqual(actionsInSource());
  });

  it('all carry an actor kind and a W3C trace id', () => {
    expect(rows.filter((row) => row.actor_kind === null || row.trace_id === null)).toEqual([]);
    for (const row of rows) expect(row.trace_id, row.action).toMatch(/^[\da-f]{32}$/);
  });

  it('name operators and the system as such, one trace per purge run', () => {
    const kinds = (action: string) => new Set(rows.filter((row) => row.action === action).map((row) => row.actor_kind));
    expect(kinds('organization.created')).toEqual(new Set(['operator']));
    expect(kinds('member.invited')).toEqual(new Set(['operator', 'user']));
    expect(kinds('token.created')).toEqual(new Set(['user']));
    const purge = rows.filter((row) => row.action === 'export.purged' || row.action === 'audit_log.purged');
    expect(new Set(purge.map((row) => row.actor_kind))).toEqual(new Set(['system']));
    expect(new Set(purge.map((row) => row.trace_id)).size).toBe(1);
  });

  it('record the caller’s trace, whether it came through the gateway or straight to the service', () => {
    const traceOf = (description: string) =>
      rows.find((row) => row.action === 'workspace.updated' && JSON.stringify(row.after).includes(description))?.trace_id;
    expect(traceOf('Audited Team')).toBe(gatewayTrace);
    expect(traceOf('set directly')).toBe(directTrace);
  });
});
