import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startInsightsStack, type IngestBatchJson, type InsightsStack, type Tenant } from '../support/insights-stack.js';

// Every audited action of insights, performed once through the real service (through the
// gateway, and once straight over gRPC), then read back: each change leaves an entry in the
// same transaction, and none lacks actor_kind or trace_id (as tenancy's audit-fields test
// holds auth and tenancy to).

/** Every action the code can write: the `action: '<category>.<verb>'` literals of the insights sources. */
function actionsInSource(): Set<string> {
  const root = path.resolve(import.meta.dirname, '../../src');
  const actions = new Set<string>();
  for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue;
    for (const match of readFileSync(path.join(root, file), 'utf8').matchAll(/\baction: '([a-z_]+\.[a-z_]+)'/g)) actions.add(match[1]!);
  }
  return actions;
}

interface AuditRow {
  action: string;
  actor_kind: string | null;
  trace_id: string | null;
  target_type: string | null;
}

const traceparent = (traceId: string) => `00-${traceId}-00f067aa0ba902b7-01`;
const gatewayTrace = '0af7651916cd43dd8448eb211c80319c';
const directTrace = '4bf92f3577b34da6a3ce929d0e0e4736';

let stack: InsightsStack;
let tenant: Tenant;
let rows: AuditRow[];

beforeAll(async () => {
  stack = await startInsightsStack();
  tenant = await stack.tenant('audited-insights');
  const post = <T>(url: string, payload: object) => stack.call<T>(tenant.owner, 'POST', url, payload);
  const batch = await post<IngestBatchJson>('/v1/ingest/batch', {
    records: [
      { source: 'sentry', external_id: 'A-1', title: 'Queue consumer crashed on poison message', service: 'orders' },
      { source: 'sentry', external_id: 'A-2', title: 'Queue consumer crashed on poison message', service: 'billing' },
      { source: 'sentry', external_id: 'A-3', title: 'Webhook delivery failed with HTTP 410', service: 'hooks' },
    ],
  }); // issue.ingested
  const [orders, billing, hooks] = batch.accepted;
  const patched = await stack.send(tenant.owner, 'PATCH', `/v1/issues/${orders!.issue_id}`, { status: 'analyzing' }, { traceparent: traceparent(gatewayTrace) });
  expect(patched.statusCode).toBe(200); // issue.updated
  await post(`/v1/issues/${hooks!.issue_id}/link`, { pattern_id: orders!.pattern_id }); // issue.linked
  await post(`/v1/issues/${hooks!.issue_id}/unlink`, {}); // issue.unlinked
  await stack.call(tenant.owner, 'PATCH', `/v1/patterns/${orders!.pattern_id}`, { status: 'active' }); // pattern.updated
  await post(`/v1/patterns/${orders!.pattern_id}/merge`, { source_pattern_ids: [billing!.pattern_id] }); // pattern.merged
  await post(`/v1/patterns/${orders!.pattern_id}/split`, { fingerprint: billing!.grouping.fingerprint }); // pattern.split
  const proposing = await post<{ job: { id: string } }>(`/v1/patterns/${orders!.pattern_id}/recommendations`, {});
  const proposed = await stack.jobEnded(tenant.owner, proposing.job.id); // recommendation.proposed, by the job in the asker's name
  const [recommendationId] = proposed.result!['recommendation_ids'] as string[];
  await stack.call(tenant.owner, 'PATCH', `/v1/recommendations/${recommendationId!}`, { status: 'in_progress' }); // recommendation.updated
  // A cluster client, straight to insights with a service-account token and its own trace.
  const token = await stack.serviceAccountToken(tenant, 'ROLE_OWNER');
  await stack.clients().ingest.ingestEvent(
    { record: { source: 'ci', externalId: 'direct-1', title: 'Nightly build failed' } },
    { metadata: { ...bearer(token), traceparent: traceparent(directTrace) } },
  );
  rows = await stack.asAdmin<AuditRow>(
    `select action, actor_kind, trace_id, target_type from audit_log where workspace_id = $1 and action_category in ('issue', 'pattern', 'recommendation')
      order by created_at, id`,
    [tenant.workspaceId],
  );
});

afterAll(async () => {
  await stack?.close();
});

describe('insights audit entries', () => {
  it('cover every action the code can write, each performed above', () => {
    expect(actionsInSource().size).toBeGreaterThanOrEqual(7);
    expect(new Set(rows.map((row) => row.action))).toEqual(actionsInSource());
  });

  it('all carry an actor kind and a W3C trace id', () => {
    expect(rows.filter((row) => row.actor_kind === null || row.trace_id === null)).toEqual([]);
    for (const row of rows) expect(row.trace_id, row.action).toMatch(/^[\da-f]{32}$/);
  });

  it('record the caller and its trace, through the gateway or straight to the service', () => {
    expect(rows.find((row) => row.action === 'issue.updated')).toMatchObject({ actor_kind: 'user', trace_id: gatewayTrace });
    expect(rows.at(-1)).toMatchObject({ action: 'issue.ingested', actor_kind: 'service_account', trace_id: directTrace, target_type: 'ingest_batch' });
  });
});
