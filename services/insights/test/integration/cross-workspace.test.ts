import { getOption, hasOption, type DescMethod, type DescService } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from '@causeloop/proto/causeloop/common/v1/http_pb.js';
import type { GrpcCallOptions } from '@causeloop/platform/grpc';
import { methodAccess } from '@causeloop/platform/identity';
import {
  bearer,
  publicInsightsServices,
  startInsightsStack,
  type IngestBatchJson,
  type InsightsStack,
  type Tenant,
} from '../support/insights-stack.js';

// Tenant isolation on every insights route (DESIGN §4, issue 18): nothing names a
// workspace, the principal does, and row-level security hides the other workspace's rows,
// so another workspace's issue, pattern or fingerprint is not found, through the gateway
// and straight over gRPC with a service-account token alike. The routes come from the
// descriptors: a new RPC is covered without anyone remembering this test.

let stack: InsightsStack;
let a: Tenant;
let b: Tenant;
/** Ids of workspace B (and A's own, for calls that name both). */
let idsOfB: { issue_id: string; pattern_id: string; other_pattern_id: string; fingerprint: string; job_id: string; recommendation_id: string };
let idsOfA: typeof idsOfB;

beforeAll(async () => {
  stack = await startInsightsStack();
  a = await stack.tenant('isolated-a');
  b = await stack.tenant('isolated-b');
  const seed = async (tenant: Tenant) => {
    const answer = await stack.call<IngestBatchJson>(tenant.owner, 'POST', '/v1/ingest/batch', {
      records: [
        { source: 'sentry', external_id: 'shared-id-1', title: 'Checkout failed: card declined by issuer', service: tenant.slug },
        { source: 'sentry', external_id: 'shared-id-2', title: 'Checkout failed: card declined by issuer', service: tenant.slug },
        // Fingerprints are hashes of template, service and component: other services, other fingerprints.
        { source: 'sentry', external_id: 'shared-id-3', title: 'Inventory sync stalled for 30s', service: `${tenant.slug}-inventory` },
      ],
    });
    // A second pattern, merged in, so a split has a fingerprint to take out.
    await stack.call(tenant.owner, 'POST', `/v1/patterns/${answer.accepted[0]!.pattern_id}/merge`, {
      source_pattern_ids: [answer.accepted[2]!.pattern_id],
    });
    // Analyses to read back (the offline provider), so a GET of the other's finds one that RLS hides.
    await stack.call(tenant.owner, 'POST', `/v1/patterns/${answer.accepted[0]!.pattern_id}/analyze`, {});
    await stack.call(tenant.owner, 'POST', `/v1/issues/${answer.accepted[0]!.issue_id}/analyze`, { tier: 'fast' });
    // Asking queues a job: wait until both analyses are stored.
    for (const url of [`/v1/patterns/${answer.accepted[0]!.pattern_id}/analysis`, `/v1/issues/${answer.accepted[0]!.issue_id}/analysis`]) {
      for (let tries = 0; (await stack.send(tenant.owner, 'GET', url)).statusCode !== 200; tries++) {
        if (tries > 400) throw new Error(`${url} never appeared`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    // A job (of a kind no worker handles, so it stays queued): the queue has no public way in.
    const [job] = await stack.asAdmin<{ id: string }>(`insert into jobs (workspace_id, id, kind) values ($1, uuidv7(), 'probe') returning id`, [
      tenant.workspaceId,
    ]);
    // Recommendations (offline) for the pattern, so one of the other's can be named.
    const proposing = await stack.call<{ job: { id: string } }>(tenant.owner, 'POST', `/v1/patterns/${answer.accepted[0]!.pattern_id}/recommendations`, {});
    const recommendations = (await stack.jobEnded(tenant.owner, proposing.job.id)).result!['recommendation_ids'] as string[];
    return {
      recommendation_id: recommendations[0]!,
      job_id: job!.id,
      issue_id: answer.accepted[0]!.issue_id,
      pattern_id: answer.accepted[0]!.pattern_id,
      other_pattern_id: answer.accepted[2]!.pattern_id,
      fingerprint: answer.accepted[2]!.grouping.fingerprint,
    };
  };
  idsOfA = await seed(a);
  idsOfB = await seed(b);
});
afterAll(async () => {
  await stack?.close();
});

/** Every scoped RPC of the public insights services, with its HTTP rule. */
const rpcs = publicInsightsServices.flatMap((service) =>
  service.methods.filter((method) => methodAccess(method).kind === 'scoped').map((method) => ({ service, method, rule: getOption(method, http) })),
);

const idFields = ['issue_id', 'pattern_id', 'source_pattern_ids', 'fingerprint', 'job_id', 'recommendation_id'] as const;
type Ids = typeof idsOfB;

/**
 * A request of `method` in proto JSON field names that passes validation and names the ids
 * given: a record for ingest, a status the workflows allow for updates.
 */
function requestFor(method: DescMethod, ids: Ids, path: Ids = ids): Record<string, unknown> {
  const request: Record<string, unknown> = {};
  for (const field of method.input.fields) {
    const pathField = getOption(method, http).path.includes(`{${field.name}}`);
    const from = pathField ? path : ids;
    switch (field.name) {
      case 'issue_id':
      case 'fingerprint':
      case 'job_id':
      case 'recommendation_id':
        request[field.name] = from[field.name];
        break;
      case 'pattern_id':
        // A filter of a list is optional: it names B's pattern all the same.
        request[field.name] = from.pattern_id;
        break;
      case 'source_pattern_ids':
        request[field.name] = [from.other_pattern_id];
        break;
      case 'record':
        request[field.name] = { source: 'sentry', external_id: 'probe', title: 'probe' };
        break;
      case 'records':
        request[field.name] = [{ source: 'sentry', external_id: 'probe', title: 'probe' }];
        break;
      case 'status':
        request[field.name] = method.parent.name === 'RecommendationService' ? 'dismissed' : 'resolved';
        break;
    }
  }
  return request;
}

const namesAnId = (method: DescMethod) => method.input.fields.some((field) => (idFields as readonly string[]).includes(field.name) && getOption(method, http).path.includes(`{${field.name}}`));

/** Everything of workspace B a cross-workspace call could change, read as the superuser. */
const stateOfB = () =>
  stack.asAdmin(
    `select (select jsonb_agg(to_jsonb(i) - 'search' order by i.id) from issues i where i.workspace_id = $1) as issues,
            (select jsonb_agg(to_jsonb(p) order by p.id) from patterns p where p.workspace_id = $1) as patterns,
            (select jsonb_agg(to_jsonb(r) order by r.fingerprint) from pattern_routes r where r.workspace_id = $1) as routes,
            (select count(*) from audit_log l where l.workspace_id = $1) as audit_entries,
            (select jsonb_agg(to_jsonb(j) order by j.id) from jobs j where j.workspace_id = $1) as jobs,
            (select count(*) from analyses x where x.workspace_id = $1) as analyses,
            (select count(*) from llm_prompt_logs x where x.workspace_id = $1) as prompt_logs,
            (select jsonb_agg(to_jsonb(r) order by r.id) from recommendations r where r.workspace_id = $1) as recommendations,
            (select jsonb_agg(to_jsonb(l) order by l.id) from loops l where l.workspace_id = $1) as loops,
            (select count(*) from outbox o where o.workspace_id = $1) as outbox`,
    [b.workspaceId],
  );

/** The variants of a call: B's ids everywhere, then A's own ids in the path with B's in the body. */
function variants(method: DescMethod): { ids: Ids; path: Ids }[] {
  const list = [{ ids: idsOfB, path: idsOfB }];
  const bodyNamesId = method.input.fields.some(
    (field) => (idFields as readonly string[]).includes(field.name) && !getOption(method, http).path.includes(`{${field.name}}`),
  );
  if (namesAnId(method) && bodyNamesId) list.push({ ids: idsOfB, path: idsOfA });
  return list;
}

function urlOf(method: DescMethod, request: Record<string, unknown>): string {
  const rule = getOption(method, http);
  const path = rule.path.replace(/\{(\w+)\}/g, (_, field: string) => String(request[field]));
  if (rule.body !== '') return path;
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request)) if (!rule.path.includes(`{${name}}`)) query.set(name, String(value));
  return query.size === 0 ? path : `${path}?${query}`;
}

function bodyOf(method: DescMethod, request: Record<string, unknown>): Record<string, unknown> | undefined {
  const rule = getOption(method, http);
  if (rule.body === '') return undefined;
  return Object.fromEntries(Object.entries(request).filter(([name]) => !rule.path.includes(`{${name}}`)));
}

/** What a list or an ingest answered must hold nothing of B's. */
function expectNothingOfB(answer: unknown, what: string): void {
  const text = JSON.stringify(answer);
  for (const id of Object.values(idsOfB)) expect(text.includes(id), `${what} shows ${id} of B`).toBe(false);
}

describe('tenant isolation on every insights route', () => {
  it('covers every scoped RPC with an HTTP rule', () => {
    expect(rpcs.length).toBeGreaterThanOrEqual(13);
    for (const { method } of rpcs) expect(hasOption(method, http), method.name).toBe(true);
  });

  it('gives a member of workspace A 404 for every id of workspace B through the gateway, and leaves B untouched', async () => {
    const before = await stateOfB();
    const tried: string[] = [];
    for (const { method, rule } of rpcs) {
      for (const { ids, path } of variants(method)) {
        const request = requestFor(method, ids, path);
        const url = urlOf(method, request);
        const body = bodyOf(method, request);
        const response = await stack.send(a.owner, rule.method as 'GET', url, body);
        if (namesAnId(method)) {
          expect(response.statusCode, `${rule.method} ${url} ${JSON.stringify(body)}: ${response.body}`).toBe(404);
          expect(response.json(), `${rule.method} ${url}`).toMatchObject({ code: 'not_found' });
          expect((response.json() as { detail: string }).detail).not.toMatch(/^no route for/);
        } else {
          expect(response.statusCode, `${rule.method} ${url}: ${response.body}`).toBeGreaterThanOrEqual(200);
          expect(response.statusCode, `${rule.method} ${url}: ${response.body}`).toBeLessThan(300);
          expectNothingOfB(response.json(), `${rule.method} ${url}`);
        }
        tried.push(`${method.parent.typeName}.${method.name}`);
      }
    }
    expect(new Set(tried).size).toBe(rpcs.length);
    expect(await stateOfB()).toEqual(before);
  });

  it('gives A’s service-account token NOT_FOUND for every id of B straight over gRPC, and leaves B untouched', async () => {
    const token = await stack.serviceAccountToken(a, 'ROLE_OWNER');
    const clients = stack.clients();
    const byService = new Map<DescService, unknown>([
      [publicInsightsServices.find((service) => service.name === 'IngestService')!, clients.ingest],
      [publicInsightsServices.find((service) => service.name === 'IssueService')!, clients.issues],
      [publicInsightsServices.find((service) => service.name === 'PatternService')!, clients.patterns],
      [publicInsightsServices.find((service) => service.name === 'PredictionService')!, clients.predictions],
      [publicInsightsServices.find((service) => service.name === 'JobService')!, clients.jobs],
      [publicInsightsServices.find((service) => service.name === 'AnalysisService')!, clients.analysis],
      [publicInsightsServices.find((service) => service.name === 'RecommendationService')!, clients.recommendations],
    ]);
    const before = await stateOfB();
    const tried: string[] = [];
    for (const { service, method } of rpcs) {
      const client = byService.get(service) as Record<string, (request: object, options: GrpcCallOptions) => Promise<unknown>>;
      for (const { ids, path } of variants(method)) {
        const request = camelCase(requestFor(method, ids, path));
        const call = client[method.localName]!(request, { metadata: bearer(token) });
        if (namesAnId(method)) {
          await expect(call, `${method.name} ${JSON.stringify(request)}`).rejects.toMatchObject({ code: 'not_found' });
        } else {
          expectNothingOfB(await call, method.name);
        }
        tried.push(`${service.typeName}.${method.name}`);
      }
    }
    expect(new Set(tried).size).toBe(rpcs.length);
    expect(await stateOfB()).toEqual(before);
  });
});

/** Proto JSON names to the generated messages' init names, nested values included. */
function camelCase(value: Record<string, unknown>): Record<string, unknown> {
  const convert = (item: unknown): unknown =>
    Array.isArray(item) ? item.map(convert) : typeof item === 'object' && item !== null ? camelCase(item as Record<string, unknown>) : item;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()), convert(item)]));
}
