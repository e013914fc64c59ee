import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  startInsightsStack,
  type IngestBatchJson,
  type InsightsStack,
  type IssueJson,
  type PatternJson,
  type Tenant,
} from '../support/insights-stack.js';

// Merges and splits that stay done (issue 18): they are stored as routes (fingerprint →
// pattern), which every ingest reads, so they hold for every later record, after a restart
// of the insights process, and on another insights process sharing the database, whose
// template miner is rebuilt from the stored clusters.

let stack: InsightsStack;
let tenant: Tenant;
let serial = 0;

beforeAll(async () => {
  stack = await startInsightsStack();
  tenant = await stack.tenant('reshaping');
});
afterAll(async () => {
  await stack?.close();
});

const causeA = (n: number) => `Cache connection refused after ${n}ms`;
const causeB = (n: number) => `Redis pool exhausted after ${n} retries`;
const causeC = (n: number) => `Search index shard ${n} unavailable`;
const causeD = (n: number) => `Search query rejected with queue full at ${n} pending`;

function recordsOf(cause: (n: number) => string, count: number, service = 'cart') {
  return Array.from({ length: count }, () => {
    serial += 1;
    return { source: 'log', external_id: `rec-${serial}`, title: cause(serial), service, component: 'api' };
  });
}

async function ingest(cause: (n: number) => string, count: number, service?: string): Promise<IngestBatchJson> {
  const answer = await stack.call<IngestBatchJson>(tenant.owner, 'POST', '/v1/ingest/batch', { records: recordsOf(cause, count, service) });
  expect(answer.rejected).toEqual([]);
  return answer;
}

const patternOf = async (id: string) => (await stack.call<{ pattern: PatternJson }>(tenant.owner, 'GET', `/v1/patterns/${id}`)).pattern;

/** The one pattern every accepted record of the answer landed in, and their grouping rules. */
function landing(answer: IngestBatchJson): { patterns: string[]; rules: string[] } {
  return {
    patterns: [...new Set(answer.accepted.map((accepted) => accepted.pattern_id))],
    rules: [...new Set(answer.accepted.map((accepted) => accepted.grouping.rule))],
  };
}

let patternA: string;
let patternB: string;
let fingerprintB: string;
let patternC: string;
let fingerprintD: string;
let splitPattern: string;

describe('merge and split', () => {
  it('merges B into A: issues move, B closes as merged, and 1,000 further B records land in A', async () => {
    const a = await ingest(causeA, 5);
    const b = await ingest(causeB, 7);
    patternA = landing(a).patterns[0]!;
    patternB = landing(b).patterns[0]!;
    fingerprintB = b.accepted[0]!.grouping.fingerprint;
    expect(landing(a).patterns).toHaveLength(1);
    expect(landing(b).patterns).toHaveLength(1);
    expect(patternA).not.toBe(patternB);

    const merged = await stack.call<{ pattern: PatternJson }>(tenant.owner, 'POST', `/v1/patterns/${patternA}/merge`, { source_pattern_ids: [patternB] });
    expect(merged.pattern).toMatchObject({ id: patternA, issue_count: 12 });
    expect(merged.pattern.fingerprints).toContain(fingerprintB);
    expect(await patternOf(patternB)).toMatchObject({ status: 'merged', merged_into: patternA, issue_count: 0 });
    const moved = await stack.call<{ issue: IssueJson }>(tenant.owner, 'GET', `/v1/issues/${b.accepted[0]!.issue_id}`);
    expect(moved.issue).toMatchObject({ pattern_id: patternA, grouping: { rule: 'merged' } });

    for (let round = 0; round < 2; round++) {
      const later = await ingest(causeB, 500);
      expect(landing(later)).toEqual({ patterns: [patternA], rules: ['merged'] });
      expect(new Set(later.accepted.map((accepted) => accepted.grouping.fingerprint))).toEqual(new Set([fingerprintB]));
    }
    // Still one UTC day of issues, so still emerging (docs/insights.md: 3 issues over 2 days make it active).
    expect(await patternOf(patternA)).toMatchObject({ issue_count: 1012 });
    // Merged patterns are left out of the list unless asked for.
    const listed = await stack.call<{ data: PatternJson[] }>(tenant.owner, 'GET', '/v1/patterns?limit=100');
    expect(listed.data.map((pattern) => pattern.id)).not.toContain(patternB);
    const closed = await stack.call<{ data: PatternJson[] }>(tenant.owner, 'GET', '/v1/patterns?status=merged');
    expect(closed.data.map((pattern) => pattern.id)).toEqual([patternB]);
  });

  it('splits fingerprint D out of the pattern it was merged into: its issues move, and 1,000 further D records land in the new pattern', async () => {
    const c = await ingest(causeC, 4, 'search');
    const d = await ingest(causeD, 6, 'search');
    patternC = landing(c).patterns[0]!;
    fingerprintD = d.accepted[0]!.grouping.fingerprint;
    await stack.call(tenant.owner, 'POST', `/v1/patterns/${patternC}/merge`, { source_pattern_ids: [landing(d).patterns[0]] });
    const split = await stack.call<{ pattern: PatternJson; source: PatternJson }>(tenant.owner, 'POST', `/v1/patterns/${patternC}/split`, {
      fingerprint: fingerprintD,
    });
    splitPattern = split.pattern.id;
    expect(split.pattern).toMatchObject({ issue_count: 6, fingerprints: [fingerprintD], status: 'emerging' });
    expect(split.source).toMatchObject({ id: patternC, issue_count: 4 });
    expect(split.source.fingerprints).not.toContain(fingerprintD);
    const moved = await stack.call<{ issue: IssueJson }>(tenant.owner, 'GET', `/v1/issues/${d.accepted[0]!.issue_id}`);
    expect(moved.issue).toMatchObject({ pattern_id: splitPattern, grouping: { rule: 'split' } });

    for (let round = 0; round < 2; round++) {
      expect(landing(await ingest(causeD, 500, 'search'))).toEqual({ patterns: [splitPattern], rules: ['split'] });
    }
    expect(landing(await ingest(causeC, 3, 'search')).patterns).toEqual([patternC]);
    expect(await patternOf(splitPattern)).toMatchObject({ issue_count: 1006 });
  });

  it('refuses to split a pattern’s only fingerprint, or one of another pattern', async () => {
    const only = await stack.send(tenant.owner, 'POST', `/v1/patterns/${splitPattern}/split`, { fingerprint: fingerprintD });
    expect(only.statusCode).toBe(422);
    const elsewhere = await stack.send(tenant.owner, 'POST', `/v1/patterns/${patternC}/split`, { fingerprint: fingerprintB });
    expect(elsewhere.statusCode).toBe(404);
    const intoMerged = await stack.send(tenant.owner, 'POST', `/v1/patterns/${patternB}/merge`, { source_pattern_ids: [patternC] });
    expect(intoMerged.statusCode).toBe(422);
  });

  it('both still hold after the insights process restarts (its miner rebuilt from the database)', async () => {
    await stack.restartInsights();
    expect(landing(await ingest(causeB, 50))).toEqual({ patterns: [patternA], rules: ['merged'] });
    expect(landing(await ingest(causeD, 50, 'search'))).toEqual({ patterns: [splitPattern], rules: ['split'] });
  });

  it('both hold on a second insights process sharing the database, and the two keep one miner between them', async () => {
    const second = await stack.startAnotherInsights();
    const direct = stack.clients(second.grpcAddress);
    const token = await stack.serviceAccountToken(tenant, 'ROLE_OWNER');
    const viaSecond = async (titles: readonly string[], service = 'cart') =>
      direct.ingest.ingestBatch(
        { records: titles.map((title) => ({ source: 'log', externalId: `second-${++serial}`, title, service, component: 'api' })) },
        { metadata: bearer(token) },
      );

    const b = await viaSecond(['Redis pool exhausted after 3 retries', 'Redis pool exhausted after 4 retries']);
    expect(new Set(b.accepted.map((accepted) => accepted.patternId))).toEqual(new Set([patternA]));
    const d = await viaSecond(['Search query rejected with queue full at 9 pending'], 'search');
    expect(d.accepted[0]).toMatchObject({ patternId: splitPattern, grouping: { rule: 'split' } });

    // Three words at one position are three templates; the miner takes the fourth for a
    // variable and folds them into one. Three go through the second process, the fourth
    // through the first: only a miner rebuilt from what the second stored can fold it.
    const users = await viaSecond(['User alice locked out after 5 attempts', 'User bob locked out after 5 attempts', 'User carol locked out after 5 attempts'], 'auth');
    expect(new Set(users.accepted.map((accepted) => accepted.grouping!.template)).size).toBe(3);
    const dave = await stack.call<{ pattern_id: string; grouping: { template: string; slots: { kind: string; value: string }[] } }>(
      tenant.owner,
      'POST',
      '/v1/ingest/events',
      { record: { source: 'log', external_id: `first-${++serial}`, title: 'User dave locked out after 6 attempts', service: 'auth', component: 'api' } },
    );
    expect(dave.grouping.template).toBe('User <*> locked out after <num> attempts');
    expect(dave.grouping.slots).toContainEqual({ kind: 'variable', value: 'dave' });
    // The folded template keeps the pattern of a template it replaced.
    expect(users.accepted.map((accepted) => accepted.patternId)).toContain(dave.pattern_id);
    // And back: the second process sees the first's fold.
    const erin = await viaSecond(['User erin locked out after 7 attempts'], 'auth');
    expect(erin.accepted[0]).toMatchObject({ patternId: dave.pattern_id, grouping: { template: 'User <*> locked out after <num> attempts' } });

    // Back on the first process, merge and split still hold.
    expect(landing(await ingest(causeB, 20))).toEqual({ patterns: [patternA], rules: ['merged'] });
    expect(landing(await ingest(causeD, 20, 'search'))).toEqual({ patterns: [splitPattern], rules: ['split'] });
  });

  it('audited the merge and the split', async () => {
    const rows = await stack.asAdmin<{ action: string; target_id: string }>(
      `select action, target_id from audit_log where workspace_id = $1 and action in ('pattern.merged', 'pattern.split') order by created_at`,
      [tenant.workspaceId],
    );
    expect(rows).toEqual([
      { action: 'pattern.merged', target_id: patternA },
      { action: 'pattern.merged', target_id: patternC },
      { action: 'pattern.split', target_id: patternC },
    ]);
  });
});
