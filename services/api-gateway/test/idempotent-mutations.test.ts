import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { ProvisioningService } from '@causeloop/proto/causeloop/tenancy/v1/provisioning_pb.js';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, withClient } from '@causeloop/platform/db';
import { createGrpcCaller, createGrpcClient, type GrpcClient } from '@causeloop/platform/grpc';
import { createAuthServiceAuthenticator } from '@causeloop/platform/identity';
import { createMetricsRegistry } from '@causeloop/platform/metrics';
import {
  bearer,
  provisionOrganization,
  signIn,
  startCoreProcesses,
  type CoreProcesses,
} from '@causeloop/platform/testing';
import { buildApp } from '../src/app.js';
import { frontedApis } from '../src/backends.js';
import { frontService, type FrontedService } from '../src/fronted-service.js';
import { acceptsIdempotencyKey } from '../src/idempotency/idempotent-requests.js';
import { createMemoryRateLimiter } from '../src/rate-limit/index.js';
import { collectRoutedRpcs, type RoutedRpc } from '../src/routes/http-rules.js';

// DESIGN §7: a backend mutation records its answer with the Idempotency-Key in the same
// transaction as its side effect, so a gateway that dies between the side effect and
// storing the answer cannot cause a duplicate on retry. This walks every POST and PATCH
// route the gateway builds from the descriptors and, for each, lets a gateway die exactly
// there, then retries through another: the retry must replay the first answer and change
// nothing. A handler that does not record fails here (its retry runs again).

/** One request of an RPC: path fields, body and caller; anything it needs is made first. */
interface RouteCall {
  readonly path?: Readonly<Record<string, string>>;
  readonly payload: object;
  /** Access token of the caller; none for a public route. */
  readonly token?: string;
}

let core: CoreProcesses;
let routes: RoutedRpc[];
let healthy: FastifyInstance;
let dying: FastifyInstance;
let gatewayPool: Pool;
/** Set once the dying gateway has its backend's answer: from then on it cannot reach its database. */
let dead = false;
/** Backend calls the healthy gateway made, by RPC name. */
const healthyCalls: string[] = [];
const clients: { close(): void }[] = [];
let requests: Readonly<Record<string, () => Promise<RouteCall>>>;

beforeAll(async () => {
  core = await startCoreProcesses();
  const tenancy = await core.startTenancy();
  const insights = await core.startInsights();
  const connect = <S extends Parameters<typeof createGrpcClient>[0]>(service: S, address: string): GrpcClient<S> => {
    const client = createGrpcClient(service, { address, defaultDeadlineMs: 10_000 });
    clients.push(client);
    return client;
  };
  // What the gateway's main fronts, from the same declarations.
  const fronted = frontedApis({ auth: core.auth.grpcAddress, tenancy: tenancy.grpcAddress, insights: insights.grpcAddress }).flatMap(({ address, apis }) =>
    apis.map(({ service }) => {
      const caller = createGrpcCaller(service, { address, defaultDeadlineMs: 10_000 });
      clients.push(caller);
      return frontService(service, caller);
    }),
  );
  routes = collectRoutedRpcs(fronted);
  const authClient = connect(AuthService, core.auth.grpcAddress);
  gatewayPool = createPool({ connectionString: core.database.appUrl, applicationName: 'idempotent-mutations-test', max: 4 });
  // A gateway whose database goes away the moment its backend has answered: it sends the
  // answer, but never stores it (as if the process died right after the side effect).
  const dyingPool = new Proxy(gatewayPool, {
    get: (target, key) =>
      key === 'connect' ? () => (dead ? Promise.reject(new Error('the gateway died')) : target.connect()) : Reflect.get(target, key, target),
  });
  const gateway = (services: FrontedService[], pool: Pool) =>
    buildApp({
      services,
      authenticator: createAuthServiceAuthenticator(authClient),
      registry: createMetricsRegistry({ service: 'api-gateway-test' }),
      rateLimit: { limiter: createMemoryRateLimiter() },
      idempotency: { pool },
    });
  healthy = await gateway(
    fronted.map((entry) => ({
      ...entry,
      call: (method, request, options) => {
        healthyCalls.push(method.name);
        return entry.call(method, request, options);
      },
    })),
    gatewayPool,
  );
  dying = await gateway(
    fronted.map((entry) => ({
      ...entry,
      call: async (method, request, options) => {
        try {
          return await entry.call(method, request, options);
        } finally {
          dead = true;
        }
      },
    })),
    dyingPool,
  );

  const slug = 'idempotent';
  const created = await provisionOrganization(connect(ProvisioningService, tenancy.grpcAddress), core.operator.token, { slug });
  const workspaceId = created.workspace!.id;
  const ok = async <T>(method: 'POST' | 'PATCH', url: string, token: string | undefined, payload: object): Promise<T> => {
    const response = await healthy.inject({ method, url, headers: token === undefined ? {} : bearer(token), payload });
    if (response.statusCode < 200 || response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
    return response.json<T>();
  };
  const get = async <T>(url: string, token: string): Promise<T> => {
    const response = await healthy.inject({ method: 'GET', url, headers: bearer(token) });
    if (response.statusCode !== 200) throw new Error(`GET ${url}: ${response.statusCode} ${response.body}`);
    return response.json<T>();
  };
  let serial = 0;
  const unique = (what: string) => `${what}-${++serial}`;
  const member = async (role: string): Promise<{ id: string; email: string; invitation: string }> => {
    const email = `${unique('member')}@${slug}.example`;
    const { token } = await ok<{ token: string }>('POST', `/v1/workspaces/${workspaceId}/invitations`, olive, { email, role });
    const joined = await ok<{ member: { user_id: string } }>('POST', '/v1/invitations/accept', undefined, { token });
    return { id: joined.member.user_id, email, invitation: token };
  };
  await ok('POST', '/v1/invitations/accept', undefined, { token: created.ownerInvitationToken });
  const olive = await signIn(healthy, `owner@${slug}.example`);
  const oscar = await signIn(healthy, (await member('ROLE_OWNER')).email);
  const workspace = { workspace_id: workspaceId };
  const erasureRequest = async () => {
    const subject = await member('ROLE_VIEWER');
    const url = `/v1/workspaces/${workspaceId}/erasure-requests`;
    const { request } = await ok<{ request: { id: string } }>('POST', url, olive, { subject_id: subject.id });
    return { path: { ...workspace, request_id: request.id }, payload: {}, token: oscar };
  };

  // A new issue in a pattern of its own (its service is new), and that pattern's fingerprint.
  type Ingested = { issue_id: string; pattern_id: string; grouping: { fingerprint: string } };
  const ingested = async (): Promise<Ingested> =>
    ok<Ingested>('POST', '/v1/ingest/events', olive, {
      record: { source: 'ci', external_id: unique('record'), title: 'Deploy step failed with exit code 1', service: unique('service') },
    });
  const mergedPair = async (): Promise<{ target: Ingested; source: Ingested }> => {
    const [target, source] = [await ingested(), await ingested()];
    await ok('POST', `/v1/patterns/${target.pattern_id}/merge`, olive, { source_pattern_ids: [source.pattern_id] });
    return { target, source };
  };

  // Every POST and PATCH RPC, by name; the walk below fails for a route missing here.
  requests = {
    'causeloop.auth.v1.AuthService.ExchangeToken': async () => ({ payload: { subject_token: `dev:owner@${slug}.example` } }),
    'causeloop.auth.v1.AuthService.RefreshToken': async () => ({ payload: { refresh_token: 'clp_rt_never-issued' } }),
    'causeloop.tenancy.v1.MemberService.AcceptInvitation': async () => ({ payload: { token: created.ownerInvitationToken } }),
    'causeloop.auth.v1.AuthService.CreatePersonalAccessToken': async () => ({
      payload: { name: unique('pat'), scopes: ['issues:read'] },
      token: olive,
    }),
    'causeloop.auth.v1.AuthService.RotatePersonalAccessToken': async () => {
      const pat = { name: unique('pat'), scopes: ['issues:read'] };
      const { token } = await ok<{ token: { id: string } }>('POST', '/v1/api-tokens', olive, pat);
      return { path: { token_id: token.id }, payload: {}, token: olive };
    },
    'causeloop.auth.v1.AuthService.CreateServiceAccount': async () => ({
      payload: { name: unique('robot'), role: 'ROLE_VIEWER' },
      token: olive,
    }),
    'causeloop.auth.v1.AuthService.CreateServiceAccountToken': async () => {
      const account = await ok<{ service_account: { id: string } }>('POST', '/v1/service-accounts', olive, {
        name: unique('robot'),
        role: 'ROLE_VIEWER',
      });
      return {
        path: { service_account_id: account.service_account.id },
        payload: { name: unique('sa'), scopes: ['issues:read'] },
        token: olive,
      };
    },
    'causeloop.tenancy.v1.WorkspaceService.UpdateWorkspace': async () => ({
      path: workspace,
      payload: { description: unique('described') },
      token: olive,
    }),
    'causeloop.tenancy.v1.WorkspaceService.UpdateRetention': async () => ({
      path: workspace,
      payload: { issues_days: 100 + serial++ },
      token: olive,
    }),
    'causeloop.tenancy.v1.MemberService.InviteMember': async () => ({
      path: workspace,
      payload: { email: `${unique('invitee')}@${slug}.example`, role: 'ROLE_VIEWER' },
      token: olive,
    }),
    'causeloop.tenancy.v1.MemberService.ChangeMemberRole': async () => ({
      path: { ...workspace, user_id: (await member('ROLE_VIEWER')).id },
      payload: { role: 'ROLE_ANALYST' },
      token: olive,
    }),
    'causeloop.tenancy.v1.GovernanceService.CreateExportJob': async () => ({ path: workspace, payload: {}, token: olive }),
    'causeloop.tenancy.v1.GovernanceService.CreateErasureRequest': async () => ({
      path: workspace,
      payload: { subject_id: (await member('ROLE_VIEWER')).id },
      token: olive,
    }),
    'causeloop.tenancy.v1.GovernanceService.ApproveErasureRequest': erasureRequest,
    'causeloop.tenancy.v1.GovernanceService.RejectErasureRequest': erasureRequest,
    'causeloop.insights.v1.IngestService.IngestEvent': async () => ({
      payload: { record: { source: 'sentry', external_id: unique('event'), title: 'Checkout failed with HTTP 502' } },
      token: olive,
    }),
    'causeloop.insights.v1.IngestService.IngestBatch': async () => ({
      payload: {
        records: [
          { source: 'sentry', external_id: unique('batch'), title: 'Checkout failed with HTTP 502' },
          { source: 'jira', external_id: unique('batch'), title: 'Refund stuck in pending for order 42' },
          { source: 'sentry', external_id: unique('batch'), title: '' },
        ],
      },
      token: olive,
    }),
    'causeloop.insights.v1.IssueService.UpdateIssue': async () => ({
      path: { issue_id: (await ingested()).issue_id },
      payload: { status: 'analyzing', assignee: 'olive' },
      token: olive,
    }),
    'causeloop.insights.v1.IssueService.LinkIssue': async () => ({
      path: { issue_id: (await ingested()).issue_id },
      payload: { pattern_id: (await ingested()).pattern_id },
      token: olive,
    }),
    'causeloop.insights.v1.IssueService.UnlinkIssue': async () => ({
      path: { issue_id: (await ingested()).issue_id },
      payload: {},
      token: olive,
    }),
    'causeloop.insights.v1.PatternService.UpdatePattern': async () => ({
      path: { pattern_id: (await ingested()).pattern_id },
      payload: { status: 'active' },
      token: olive,
    }),
    'causeloop.insights.v1.PatternService.MergePatterns': async () => {
      const [target, source] = [await ingested(), await ingested()];
      return { path: { pattern_id: target.pattern_id }, payload: { source_pattern_ids: [source.pattern_id] }, token: olive };
    },
    'causeloop.insights.v1.AnalysisService.AnalyzeIssue': async () => ({
      path: { issue_id: (await ingested()).issue_id },
      payload: { tier: 'fast' },
      token: olive,
    }),
    'causeloop.insights.v1.AnalysisService.AnalyzePattern': async () => ({
      path: { pattern_id: (await ingested()).pattern_id },
      payload: {},
      token: olive,
    }),
    'causeloop.insights.v1.RecommendationService.ProposeRecommendations': async () => ({
      path: { pattern_id: (await ingested()).pattern_id },
      payload: {},
      token: olive,
    }),
    'causeloop.insights.v1.RecommendationService.UpdateRecommendation': async () => {
      const { pattern_id } = await ingested();
      await ok('POST', `/v1/patterns/${pattern_id}/recommendations`, olive, {});
      await jobsDone();
      const { data } = await get<{ data: { id: string }[] }>(`/v1/recommendations?pattern_id=${pattern_id}`, olive);
      return { path: { recommendation_id: data[0]!.id }, payload: { status: 'in_progress', steps_done: [0] }, token: olive };
    },
    'causeloop.insights.v1.PatternService.SplitPattern': async () => {
      const { target, source } = await mergedPair();
      return { path: { pattern_id: target.pattern_id }, payload: { fingerprint: source.grouping.fingerprint }, token: olive };
    },
  };
});

afterAll(async () => {
  await healthy?.close();
  await dying?.close();
  for (const client of clients) client.close();
  await gatewayPool?.end();
  await core?.close();
});

const nameOf = (route: RoutedRpc) => `${route.service.typeName}.${route.method.name}`;
const keyedRoutes = () => routes.filter(acceptsIdempotencyKey);

function send(gateway: FastifyInstance, route: RoutedRpc, call: RouteCall, key: string): Promise<LightMyRequestResponse> {
  const url = route.pathTemplate.replace(/\{([a-z_]+)\}/g, (_, field: string) => call.path?.[field] ?? `{${field}}`);
  const headers = { 'idempotency-key': key, ...(call.token === undefined ? {} : bearer(call.token)) };
  return gateway.inject({ method: route.httpMethod, url, headers, payload: call.payload });
}

/** Resolves once the job queue has nothing waiting or running. */
async function jobsDone(): Promise<void> {
  for (let tries = 0; tries < 400; tries++) {
    const [row] = await withClient(core.database.adminUrl, async (client) =>
      (await client.query<{ n: string }>(`select count(*) as n from jobs where status in ('queued', 'running')`)).rows,
    );
    if (Number(row!.n) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the job queue did not drain within 20 s');
}

/** Rows of every table but the gateway's own keys (and export parts, which the worker writes on its own): a duplicate adds some. */
async function rowCounts(): Promise<Record<string, number>> {
  return withClient(core.database.adminUrl, async (client) => {
    const tables = await client.query<{ name: string }>(
      `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p')
          and c.relname not in ('idempotency_keys', 'export_job_parts', 'schema_migrations')
        order by 1`,
    );
    const counts: Record<string, number> = {};
    for (const { name } of tables.rows) {
      const counted = await client.query<{ n: string }>(`select count(*) as n from public.${client.escapeIdentifier(name)}`);
      counts[name] = Number(counted.rows[0]?.n);
    }
    return counts;
  });
}

describe('Idempotency-Key on every POST and PATCH route', () => {
  it('has a request for every one of them, and for nothing else', () => {
    expect(keyedRoutes().map(nameOf).sort()).toEqual(Object.keys(requests).sort());
  });

  it('replays the first answer after the gateway died between the side effect and storing it, and does nothing twice', async () => {
    const scoped = keyedRoutes().filter((route) => route.scope !== undefined);
    expect(scoped.length).toBeGreaterThan(0);
    for (const route of scoped) {
      const name = nameOf(route);
      const call = await requests[name]!();
      const key = `key-${name}`;
      dead = false;
      const first = await send(dying, route, call, key);
      expect(first.statusCode, `${name}: ${first.body}`).toBe(route.successStatus);
      expect(dead, name).toBe(true);
      // A call that queued work (an analysis) has its effect when the job has run: count after it.
      await jobsDone();
      const after = await rowCounts();
      // However long the dead gateway's claim would have lasted, it is over by the retry.
      await withClient(core.database.adminUrl, (client) =>
        client.query(`update idempotency_keys set lease_expires_at = now() - interval '1 second' where state = 'in_flight'`),
      );
      const retried = await send(healthy, route, call, key);
      expect(retried.statusCode, `${name}: ${retried.body}`).toBe(route.successStatus);
      expect(retried.headers['idempotency-replayed'], `${name} ran again instead of replaying`).toBe('true');
      expect(retried.json(), name).toEqual(first.json());
      expect(await rowCounts(), name).toEqual(after);
    }
  });

  it('refuses a key on a public route (nobody to scope it to), before the backend is called', async () => {
    const open = keyedRoutes().filter((route) => route.scope === undefined);
    expect(open.length).toBeGreaterThan(0);
    for (const route of open) {
      const before = healthyCalls.length;
      const response = await send(healthy, route, await requests[nameOf(route)]!(), 'key-public');
      expect(response.statusCode, nameOf(route)).toBe(400);
      expect(response.json(), nameOf(route)).toMatchObject({ code: 'invalid_argument', detail: expect.stringMatching(/Idempotency-Key/) });
      expect(healthyCalls.length, nameOf(route)).toBe(before);
    }
  });
});
