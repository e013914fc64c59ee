import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInsightsStack, type InsightsStack, type IssueJson, type PageJson, type Tenant } from '../support/insights-stack.js';

// Keyset pagination of ListIssues with signed cursors (DESIGN §4, §7): every issue that
// existed when a listing started is returned exactly once however many pages it takes, even
// while other issues are being ingested, older and newer than the page being read.

let stack: InsightsStack;
let tenant: Tenant;
let serial = 0;

beforeAll(async () => {
  stack = await startInsightsStack();
  tenant = await stack.tenant('paging');
});
afterAll(async () => {
  await stack?.close();
});

const hour = 3_600_000;

/** `count` records spread over the last `hours` hours, some at the very same instant (ties are broken by id). */
function records(count: number, hours: number) {
  const base = Date.now() - hours * hour;
  return Array.from({ length: count }, (_, n) => {
    serial += 1;
    return {
      source: 'ci',
      external_id: `page-${serial}`,
      title: `Build step ${serial % 13} failed with exit code ${serial % 3}`,
      severity: `p${(serial % 4) + 1}`,
      service: `svc-${serial % 5}`,
      occurred_at: new Date(base + Math.floor((n * hours * hour) / count / 3) * 3).toISOString(),
    };
  });
}

async function listAll(query: string, during?: () => Promise<void>): Promise<string[]> {
  const ids: string[] = [];
  let cursor = '';
  for (;;) {
    const url = `/v1/issues?limit=20${query}${cursor === '' ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    const page = await stack.call<PageJson<IssueJson>>(tenant.owner, 'GET', url);
    ids.push(...(page.data ?? []).map((issue) => issue.id));
    if (during !== undefined) await during();
    if (!page.page.has_more) return ids;
    cursor = page.page.next_cursor!;
  }
}

const existingIds = async () =>
  (await stack.asAdmin<{ id: string }>(`select id from issues where workspace_id = $1`, [tenant.workspaceId])).map((row) => row.id).sort();

describe('ListIssues pagination', () => {
  it('returns every issue exactly once while issues are ingested concurrently, for each sort', async () => {
    await stack.call(tenant.owner, 'POST', '/v1/ingest/batch', { records: records(250, 72) });
    for (const sort of ['', '&sort=severity', '&sort=-risk_score', '&sort=occurred_at']) {
      const before = await existingIds();
      // Between pages, new issues land before and after the page being read.
      const seen = await listAll(sort, async () => {
        await stack.call(tenant.owner, 'POST', '/v1/ingest/batch', { records: [...records(2, 100), ...records(2, 1)] });
      });
      expect(new Set(seen).size, `duplicates with${sort}`).toBe(seen.length);
      const seenSet = new Set(seen);
      expect(before.filter((id) => !seenSet.has(id)), `missed with${sort}`).toEqual([]);
    }
  });

  it('orders by the sort asked for', async () => {
    const bySeverity = await stack.call<PageJson<IssueJson>>(tenant.owner, 'GET', '/v1/issues?limit=100&sort=severity');
    const severities = bySeverity.data!.map((issue) => issue.severity);
    expect([...severities].sort()).toEqual(severities);
    const oldest = await stack.call<PageJson<IssueJson>>(tenant.owner, 'GET', '/v1/issues?limit=100&sort=occurred_at');
    const times = oldest.data!.map((issue) => Date.parse(issue.occurred_at));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
  });

  it('refuses an edited cursor, and a cursor of another sort or filter, with 400', async () => {
    const first = await stack.call<PageJson<IssueJson>>(tenant.owner, 'GET', '/v1/issues?limit=5');
    const cursor = first.page.next_cursor!;
    const edited = cursor.slice(0, -2) + (cursor.endsWith('A') ? 'BB' : 'AA');
    for (const url of [
      `/v1/issues?limit=5&cursor=${edited}`,
      `/v1/issues?limit=5&sort=severity&cursor=${cursor}`,
      `/v1/issues?limit=5&service=svc-1&cursor=${cursor}`,
    ]) {
      const response = await stack.send(tenant.owner, 'GET', url);
      expect(response.statusCode, url).toBe(400);
      expect(response.json(), url).toMatchObject({ code: 'invalid_argument', violations: [{ field: 'page.cursor' }] });
    }
    const next = await stack.send(tenant.owner, 'GET', `/v1/issues?limit=5&cursor=${cursor}`);
    expect(next.statusCode).toBe(200);
  });
});
