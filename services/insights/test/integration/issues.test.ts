import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startInsightsStack,
  type IngestBatchJson,
  type InsightsStack,
  type IssueJson,
  type PageJson,
  type PatternJson,
  type Tenant,
} from '../support/insights-stack.js';

// Working issues and patterns through the gateway (issue 18): filters and full-text search,
// the status workflow and its refusals, links, similar issues, and the pattern lifecycle.

let stack: InsightsStack;
let tenant: Tenant;
let seeded: IngestBatchJson;

const day = 86_400_000;

beforeAll(async () => {
  stack = await startInsightsStack();
  tenant = await stack.tenant('working');
  seeded = await stack.call<IngestBatchJson>(tenant.owner, 'POST', '/v1/ingest/batch', {
    records: [
      { source: 'sentry', external_id: 'S-1', title: 'Payment provider timeout while capturing card', body: 'stripe gateway did not answer', service: 'payments', severity: 'p1', occurred_at: iso(-3 * day) },
      { source: 'sentry', external_id: 'S-2', title: 'Payment provider timeout while capturing card', body: 'adyen gateway did not answer', service: 'payments', severity: 'p2', occurred_at: iso(-2 * day) },
      { source: 'jira', external_id: 'J-1', title: 'Payment provider timeouts while capturing cards', body: 'reported by support', service: 'checkout', severity: 'low', occurred_at: iso(-1 * day) },
      { source: 'github', external_id: 'G-1', title: 'Search results empty for quoted queries', body: 'elasticsearch tokenizer', service: 'search', severity: 'medium', occurred_at: iso(-10 * day) },
      { source: 'datadog', external_id: 'D-1', title: 'Disk almost full on ledger volume', service: 'ledger', severity: 'critical', occurred_at: iso(-20 * day) },
    ],
  });
});
afterAll(async () => {
  await stack?.close();
});

function iso(offsetMs: number): string {
  return new Date(Date.now() + offsetMs).toISOString();
}

const issueId = (externalId: string) => seeded.accepted[['S-1', 'S-2', 'J-1', 'G-1', 'D-1'].indexOf(externalId)]!.issue_id;
const list = async (query: string) => (await stack.call<PageJson<IssueJson>>(tenant.owner, 'GET', `/v1/issues?${query}`)).data ?? [];
const externalIds = (issues: readonly IssueJson[]) => issues.map((issue) => issue.external_id).sort();

describe('ListIssues filters', () => {
  it('filters by status, severity (aliases too), source, service, pattern and time range', async () => {
    expect(externalIds(await list('severity=p1'))).toEqual(['D-1', 'S-1']);
    expect(externalIds(await list('severity=critical'))).toEqual(['D-1', 'S-1']);
    expect(externalIds(await list('source=jira'))).toEqual(['J-1']);
    expect(externalIds(await list('service=payments'))).toEqual(['S-1', 'S-2']);
    expect(externalIds(await list(`pattern_id=${seeded.accepted[0]!.pattern_id}`))).toEqual(['S-1', 'S-2']);
    expect(externalIds(await list(`since=${encodeURIComponent(iso(-5 * day))}&until=${encodeURIComponent(iso(-1.5 * day))}`))).toEqual(['S-1', 'S-2']);
    expect(externalIds(await list('status=new'))).toEqual(['D-1', 'G-1', 'J-1', 'S-1', 'S-2']);
    expect(await list('status=resolved')).toEqual([]);
  });

  it('searches title and body with websearch syntax', async () => {
    expect(externalIds(await list('q=gateway'))).toEqual(['S-1', 'S-2']);
    expect(externalIds(await list(`q=${encodeURIComponent('gateway -adyen')}`))).toEqual(['S-1']);
    expect(externalIds(await list(`q=${encodeURIComponent('"quoted queries"')}`))).toEqual(['G-1']);
    expect(externalIds(await list('q=ledger'))).toEqual(['D-1']);
  });

  it('refuses filters outside their sets with 400', async () => {
    for (const query of ['status=open', 'severity=p5', 'sort=title', 'pattern_id=nope', 'since=yesterday', 'limit=101']) {
      const response = await stack.send(tenant.owner, 'GET', `/v1/issues?${query}`);
      expect(response.statusCode, query).toBe(400);
    }
  });
});

describe('UpdateIssue', () => {
  it('moves an issue along the workflow, and refuses a move it does not allow, naming the allowed ones', async () => {
    const id = issueId('G-1');
    const refused = await stack.send(tenant.owner, 'PATCH', `/v1/issues/${id}`, { status: 'in_loop' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      code: 'invalid_transition',
      detail: "the issue's status cannot move from new to in_loop; allowed from new: analyzing, resolved, wont_fix",
      violations: [{ field: 'status', description: 'cannot move from new to in_loop; allowed from new: analyzing, resolved, wont_fix' }],
    });
    for (const status of ['analyzing', 'analyzed', 'in_loop', 'pattern_found', 'resolved', 'new']) {
      const { issue } = await stack.call<{ issue: IssueJson }>(tenant.owner, 'PATCH', `/v1/issues/${id}`, { status });
      expect(issue.status).toBe(status);
    }
    const { issue } = await stack.call<{ issue: IssueJson }>(tenant.owner, 'PATCH', `/v1/issues/${id}`, { assignee: 'sam@working.example', team: 'search' });
    expect(issue).toMatchObject({ status: 'new', assignee: 'sam@working.example', team: 'search' });
    // A repeat of the record keeps status, assignee and team.
    await stack.call(tenant.owner, 'POST', '/v1/ingest/events', { record: { source: 'github', external_id: 'G-1', title: 'Search results empty for quoted queries', service: 'search' } });
    const { issue: repeated } = await stack.call<{ issue: IssueJson }>(tenant.owner, 'GET', `/v1/issues/${id}`);
    expect(repeated).toMatchObject({ status: 'new', assignee: 'sam@working.example', team: 'search', occurrences: 2 });

    const rows = await stack.asAdmin<{ before: unknown; after: unknown }>(
      `select before, after from audit_log where workspace_id = $1 and action = 'issue.updated' and target_id = $2 order by created_at, id`,
      [tenant.workspaceId, id],
    );
    expect(rows).toHaveLength(7);
    expect(rows[0]).toEqual({ before: { status: 'new' }, after: { status: 'analyzing' } });
    expect(rows[6]).toEqual({ before: { assignee: '', team: '' }, after: { assignee: 'sam@working.example', team: 'search' } });
  });

  it('answers 404 for an issue that does not exist', async () => {
    const response = await stack.send(tenant.owner, 'PATCH', `/v1/issues/0190a1b2-c3d4-7e5f-8a6b-000000000000`, { status: 'analyzing' });
    expect(response.statusCode).toBe(404);
  });
});

describe('LinkIssue and UnlinkIssue', () => {
  it('moves an issue by hand, keeps it there on a repeat of its record, and keeps both patterns’ counts', async () => {
    const target = seeded.accepted[3]!.pattern_id; // G-1's pattern
    const from = seeded.accepted[4]!.pattern_id; // D-1's pattern
    const { issue } = await stack.call<{ issue: IssueJson }>(tenant.owner, 'POST', `/v1/issues/${issueId('D-1')}/link`, { pattern_id: target });
    expect(issue).toMatchObject({ pattern_id: target, grouping: { rule: 'manual' } });
    const count = async (id: string) => (await stack.call<{ pattern: PatternJson }>(tenant.owner, 'GET', `/v1/patterns/${id}`)).pattern.issue_count ?? 0;
    expect(await count(target)).toBe(2);
    expect(await count(from)).toBe(0);
    const repeat = await stack.call<{ pattern_id: string; grouping: { rule: string } }>(tenant.owner, 'POST', '/v1/ingest/events', {
      record: { source: 'datadog', external_id: 'D-1', title: 'Disk almost full on ledger volume', service: 'ledger' },
    });
    expect(repeat).toMatchObject({ pattern_id: target, grouping: { rule: 'manual' } });

    const { issue: unlinked } = await stack.call<{ issue: IssueJson }>(tenant.owner, 'POST', `/v1/issues/${issueId('D-1')}/unlink`, {});
    expect(unlinked).toMatchObject({ pattern_id: '', grouping: { rule: 'unlinked' } });
    expect(await count(target)).toBe(1);
    const again = await stack.call<{ pattern_id: string }>(tenant.owner, 'POST', '/v1/ingest/events', {
      record: { source: 'datadog', external_id: 'D-1', title: 'Disk almost full on ledger volume', service: 'ledger' },
    });
    expect(again.pattern_id).toBe('');
  });
});

describe('ListSimilarIssues', () => {
  it('finds issues with similar titles across services, each with its pattern’s status, not the issue itself', async () => {
    const similar = await stack.call<{ data: { issue: IssueJson; similarity: number; pattern_status: string }[] }>(
      tenant.owner,
      'GET',
      `/v1/issues/${issueId('S-1')}/similar?limit=5`,
    );
    const found = similar.data.map((entry) => entry.issue.external_id);
    expect(found).toEqual(['S-2', 'J-1']);
    expect(similar.data[0]!.similarity).toBe(1);
    expect(similar.data[1]!.similarity).toBeGreaterThan(0.3);
    expect(similar.data[1]!.similarity).toBeLessThan(1);
    expect(similar.data.every((entry) => entry.pattern_status === 'emerging')).toBe(true);
    expect(similar.data[1]!.issue.service).toBe('checkout');
  });
});

describe('the pattern lifecycle', () => {
  it('moves by hand along its workflow, takes watching for mitigating, and reopens when a new issue lands', async () => {
    const id = seeded.accepted[0]!.pattern_id; // S-1 and S-2, two UTC days apart
    const refused = await stack.send(tenant.owner, 'PATCH', `/v1/patterns/${id}`, { status: 'resolved' });
    expect(refused.statusCode).toBe(200); // emerging → resolved is allowed
    const back = await stack.send(tenant.owner, 'PATCH', `/v1/patterns/${id}`, { status: 'mitigating' });
    expect(back.statusCode).toBe(400);
    expect(back.json()).toMatchObject({ code: 'invalid_transition', detail: expect.stringContaining('allowed from resolved: active') });
    await stack.call(tenant.owner, 'PATCH', `/v1/patterns/${id}`, { status: 'active' });
    const watching = await stack.call<{ pattern: PatternJson }>(tenant.owner, 'PATCH', `/v1/patterns/${id}`, { status: 'watching' });
    expect(watching.pattern.status).toBe('mitigating');
    const listed = await stack.call<PageJson<PatternJson>>(tenant.owner, 'GET', '/v1/patterns?status=watching');
    expect(listed.data!.map((pattern) => pattern.id)).toEqual([id]);

    await stack.call(tenant.owner, 'POST', '/v1/ingest/events', {
      record: { source: 'sentry', external_id: 'S-3', title: 'Payment provider timeout while capturing card', service: 'payments' },
    });
    const { pattern } = await stack.call<{ pattern: PatternJson }>(tenant.owner, 'GET', `/v1/patterns/${id}`);
    expect(pattern).toMatchObject({ status: 'active', issue_count: 3, severity: 'p1', recurrence: 'new' });
    const statuses = await stack.asAdmin<{ after: { status: string } }>(
      `select after from audit_log where workspace_id = $1 and action = 'pattern.updated' and target_id = $2 order by created_at, id`,
      [tenant.workspaceId, id],
    );
    expect(statuses.map((row) => row.after.status)).toEqual(['resolved', 'active', 'mitigating']);
  });

  it('lists patterns most at risk first', async () => {
    const listed = await stack.call<PageJson<PatternJson>>(tenant.owner, 'GET', '/v1/patterns');
    const scores = listed.data!.map((pattern) => pattern.risk_score ?? 0);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
    expect(scores[0]).toBeGreaterThan(0);
  });
});
