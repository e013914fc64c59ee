import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startInsightsStack,
  type IngestBatchJson,
  type InsightsStack,
  type IssueJson,
  type PageJson,
  type PatternJson,
  type RecordJson,
  type Tenant,
} from '../support/insights-stack.js';

// Ingestion through the gateway, as a source would send it (issue 18): a batch is checked
// record by record, stored together, and deduplicated on (source, external_id).

let stack: InsightsStack;
let tenant: Tenant;

beforeAll(async () => {
  stack = await startInsightsStack();
  tenant = await stack.tenant('ingesting');
});
afterAll(async () => {
  await stack?.close();
});

const services = ['checkout-api', 'payments', 'search', 'inventory'];
const causes = [
  (n: number) => `Upstream returned HTTP 503 after ${(n % 9) + 1}.${n % 10}s`,
  (n: number) => `Timeout connecting to db-${n % 7}.internal:5432 after ${1000 + n}ms`,
  () => `java.lang.IllegalStateException: order ${crypto.randomUUID()} is already settled`,
  (n: number) => `Disk usage at ${80 + (n % 20)}% on /var/lib/data/shard-${n % 5}`,
  (n: number) => `User user${n}@example.com exceeded rate limit (429 Too Many Requests)`,
];

/** `count` good records with a few causes across a few services, each with its own external id. */
function records(prefix: string, count: number): RecordJson[] {
  return Array.from({ length: count }, (_, n) => ({
    source: ['sentry', 'datadog', 'pagerduty', 'SomethingElse'][n % 4]!,
    external_id: `${prefix}-${n}`,
    title: causes[n % causes.length]!(n),
    body: n % 3 === 0 ? 'Stack trace:\n  at handler (src/app.ts:10:5)' : '',
    severity: ['p1', 'high', 'medium', 'low', ''][n % 5]!,
    service: services[n % services.length]!,
    component: 'api',
    occurred_at: new Date(Date.now() - n * 60_000).toISOString(),
    url: `https://tracker.example/${prefix}/${n}`,
    attributes: { attempt: n % 3, region: 'eu-west-1', tags: ['a', 'b'] },
  }));
}

const countIssues = async (workspaceId: string) =>
  Number((await stack.asAdmin<{ n: string }>(`select count(*) as n from issues where workspace_id = $1`, [workspaceId]))[0]!.n);

describe('IngestBatch', () => {
  it('accepts 497 of 500 records, rejects the 3 bad ones with index and reason, and stores nothing of them', async () => {
    const batch = records('five-hundred', 500);
    batch[17] = { ...batch[17]!, title: '' };
    batch[250] = { ...batch[250]!, severity: 'urgent' };
    batch[499] = { ...batch[499]!, occurred_at: new Date(Date.now() + 2 * 86_400_000).toISOString() };
    const before = await countIssues(tenant.workspaceId);

    const answer = await stack.call<IngestBatchJson>(tenant.owner, 'POST', '/v1/ingest/batch', { records: batch });
    expect(answer.accepted).toHaveLength(497);
    expect(answer.rejected.map((rejected) => rejected.index)).toEqual([17, 250, 499]);
    expect(answer.rejected[0]).toMatchObject({ field: 'records[17].title', reason: 'records[17].title is required' });
    expect(answer.rejected[1]).toMatchObject({ field: 'records[250].severity', reason: expect.stringContaining('must match the pattern') });
    expect(answer.rejected[2]).toMatchObject({ field: 'records[499].occurred_at', reason: 'records[499].occurred_at must not be more than a day in the future' });
    expect(answer.accepted.every((accepted) => accepted.outcome === 'INGEST_OUTCOME_CREATED')).toBe(true);
    expect(new Set(answer.accepted.map((accepted) => accepted.index)).size).toBe(497);
    expect(new Set(answer.accepted.map((accepted) => accepted.issue_id)).size).toBe(497);

    expect(await countIssues(tenant.workspaceId)).toBe(before + 497);
    const stored = await stack.asAdmin<{ external_id: string }>(
      `select external_id from issues where workspace_id = $1 and external_id = any($2)`,
      [tenant.workspaceId, ['five-hundred-17', 'five-hundred-250', 'five-hundred-499']],
    );
    expect(stored).toEqual([]);
    // Unknown sources are stored as custom; the aliases as p-severities.
    const sources = await stack.asAdmin<{ source: string; severity: number }>(
      `select source, severity from issues where workspace_id = $1 and external_id = any($2) order by external_id`,
      [tenant.workspaceId, ['five-hundred-3', 'five-hundred-1']],
    );
    expect(sources).toEqual([
      { source: 'datadog', severity: 2 },
      { source: 'custom', severity: 4 },
    ]);

    // The same batch again: nothing new, every accepted record updated its issue.
    const again = await stack.call<IngestBatchJson>(tenant.owner, 'POST', '/v1/ingest/batch', { records: batch });
    expect(again.accepted).toHaveLength(497);
    expect(again.accepted.filter((accepted) => accepted.outcome !== 'INGEST_OUTCOME_UPDATED')).toEqual([]);
    expect(again.accepted.map((accepted) => accepted.issue_id)).toEqual(answer.accepted.map((accepted) => accepted.issue_id));
    expect(await countIssues(tenant.workspaceId)).toBe(before + 497);
    const occurrences = await stack.asAdmin<{ occurrences: number }>(
      `select distinct occurrences from issues where workspace_id = $1 and external_id like 'five-hundred-%'`,
      [tenant.workspaceId],
    );
    expect(occurrences).toEqual([{ occurrences: 2 }]);
  });

  it('groups one cause into one pattern per service, and counts the pattern’s issues', async () => {
    const batch = Array.from({ length: 12 }, (_, n) => ({
      source: 'sentry',
      external_id: `grouped-${n}`,
      title: `Payment gateway timed out after ${100 + n}ms for order ${crypto.randomUUID()}`,
      service: n < 8 ? 'billing' : 'shipping',
      severity: n === 3 ? 'p1' : 'p3',
      occurred_at: new Date(Date.now() - n * 86_400_000).toISOString(),
    }));
    const answer = await stack.call<IngestBatchJson>(tenant.owner, 'POST', '/v1/ingest/batch', { records: batch });
    const billing = new Set(answer.accepted.slice(0, 8).map((accepted) => accepted.pattern_id));
    const shipping = new Set(answer.accepted.slice(8).map((accepted) => accepted.pattern_id));
    expect(billing.size).toBe(1);
    expect(shipping.size).toBe(1);
    expect([...billing][0]).not.toBe([...shipping][0]);
    const { pattern } = await stack.call<{ pattern: PatternJson }>(tenant.owner, 'GET', `/v1/patterns/${[...billing][0]}`);
    expect(pattern).toMatchObject({
      template: 'Payment gateway timed out after <duration> for order <uuid>',
      issue_count: 8,
      severity: 'p1',
      // 8 issues over 8 UTC days: active; first seen a week ago: not new.
      status: 'active',
    });
    expect(pattern.daily).toHaveLength(30);
    expect(pattern.daily!.reduce((sum, day) => sum + (day.count ?? 0), 0)).toBe(8);
    expect(pattern.risk_score).toBeGreaterThan(0);
  });

  it('lets the later of two records with one (source, external_id) win, both pointing at one issue', async () => {
    const answer = await stack.call<IngestBatchJson>(tenant.owner, 'POST', '/v1/ingest/batch', {
      records: [
        { source: 'jira', external_id: 'DUP-1', title: 'first version' },
        { source: 'jira', external_id: 'OTHER-1', title: 'another record' },
        { source: 'jira', external_id: 'DUP-1', title: 'second version' },
      ],
    });
    expect(answer.accepted.map((accepted) => accepted.index ?? 0)).toEqual([0, 1, 2]);
    expect(answer.accepted[0]!.issue_id).toBe(answer.accepted[2]!.issue_id);
    const { issue } = await stack.call<{ issue: IssueJson }>(tenant.owner, 'GET', `/v1/issues/${answer.accepted[0]!.issue_id}`);
    expect(issue).toMatchObject({ title: 'second version', occurrences: 1, source: 'jira', status: 'new', severity: 'p3' });
  });

  it('refuses a batch with no records, or more than 500, as a whole', async () => {
    const empty = await stack.send(tenant.owner, 'POST', '/v1/ingest/batch', { records: [] });
    expect(empty.statusCode).toBe(400);
    const tooMany = await stack.send(tenant.owner, 'POST', '/v1/ingest/batch', { records: records('too-many', 501) });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toMatchObject({ violations: [{ field: 'records', description: 'must have at most 500 items' }] });
  });
});

describe('IngestEvent', () => {
  it('answers with the issue and how it was grouped: template, slots and rule', async () => {
    const answer = await stack.call<{ issue_id: string; outcome: string; pattern_id: string; grouping: unknown }>(
      tenant.owner,
      'POST',
      '/v1/ingest/events',
      { record: { source: 'sentry', external_id: 'explained-1', title: 'Upstream returned HTTP 503 after 2.5s', service: 'edge', component: 'proxy' } },
      202,
    );
    expect(answer).toMatchObject({
      outcome: 'INGEST_OUTCOME_CREATED',
      grouping: {
        template: 'Upstream returned HTTP 503 after <duration>',
        slots: [{ kind: 'duration', value: '2.5s' }],
        rule: 'template',
        fingerprint: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      },
    });
    // Another status code is another cause: another pattern.
    const other = await stack.call<{ pattern_id: string; grouping: { template: string } }>(tenant.owner, 'POST', '/v1/ingest/events', {
      record: { source: 'sentry', external_id: 'explained-2', title: 'Upstream returned HTTP 429 after 0.3s', service: 'edge', component: 'proxy' },
    });
    expect(other.grouping.template).toBe('Upstream returned HTTP 429 after <duration>');
    expect(other.pattern_id).not.toBe(answer.pattern_id);
    const same = await stack.call<{ pattern_id: string; outcome: string }>(tenant.owner, 'POST', '/v1/ingest/events', {
      record: { source: 'sentry', external_id: 'explained-3', title: 'Upstream returned HTTP 503 after 12s', service: 'edge', component: 'proxy' },
    });
    expect(same.pattern_id).toBe(answer.pattern_id);

    const { issue } = await stack.call<{ issue: IssueJson }>(tenant.owner, 'GET', `/v1/issues/${answer.issue_id}`);
    expect(issue.grouping).toEqual((answer as { grouping: unknown }).grouping);
    expect(issue.pattern_id).toBe(answer.pattern_id);
  });

  it('refuses a malformed record with 400 naming each field, and stores nothing', async () => {
    const before = await countIssues(tenant.workspaceId);
    const response = await stack.send(tenant.owner, 'POST', '/v1/ingest/events', {
      record: { external_id: 'x'.repeat(201), title: '', url: 'not a url', severity: 'sev1', attributes: { a: { b: { c: { d: { e: 1 } } } } } },
    });
    expect(response.statusCode).toBe(400);
    const fields = (response.json() as { violations: { field: string }[] }).violations.map((violation) => violation.field).sort();
    expect(fields).toEqual(['record.attributes', 'record.external_id', 'record.severity', 'record.title', 'record.url']);
    const future = await stack.send(tenant.owner, 'POST', '/v1/ingest/events', {
      record: { external_id: 'late', title: 'clock skew', occurred_at: '1969-12-31T23:59:59Z' },
    });
    expect(future.statusCode).toBe(400);
    expect(future.json()).toMatchObject({ code: 'invalid_argument', violations: [{ field: 'record.occurred_at' }] });
    expect(await countIssues(tenant.workspaceId)).toBe(before);
  });

  it('counts ingested records by source and outcome', async () => {
    const metrics = await (await fetch(`${stack.insights.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/causeloop_insights_issues_ingested_total\{source="sentry",outcome="created",service="insights"\} \d+/);
    expect(metrics).toMatch(/causeloop_insights_issues_ingested_total\{source="custom",outcome="rejected",service="insights"\} \d+/);
    expect(metrics).toMatch(/causeloop_insights_grouping_decisions_total\{kind="matched",service="insights"\} \d+/);
    expect(metrics).toMatch(/causeloop_insights_ingest_batch_duration_seconds_count\{service="insights"\} \d+/);
  });
});

describe('ListIssues through ingest', () => {
  it('lists what was ingested, newest first', async () => {
    const page = await stack.call<PageJson<IssueJson>>(tenant.owner, 'GET', '/v1/issues?limit=5');
    expect(page.data).toHaveLength(5);
    const times = page.data!.map((issue) => Date.parse(issue.occurred_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(page.page.has_more).toBe(true);
  });
});
