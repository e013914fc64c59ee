import { randomBytes } from 'node:crypto';
import { AnalysisService } from '@causeloop/proto/causeloop/insights/v1/analysis_pb.js';
import { IngestService } from '@causeloop/proto/causeloop/insights/v1/ingest_pb.js';
import { IssueService } from '@causeloop/proto/causeloop/insights/v1/issues_pb.js';
import { JobService } from '@causeloop/proto/causeloop/insights/v1/jobs_pb.js';
import { PatternService } from '@causeloop/proto/causeloop/insights/v1/patterns_pb.js';
import { PredictionService } from '@causeloop/proto/causeloop/insights/v1/predictions_pb.js';
import { RecommendationService } from '@causeloop/proto/causeloop/insights/v1/recommendations_pb.js';
import { ProvisioningService } from '@causeloop/proto/causeloop/tenancy/v1/provisioning_pb.js';
import { withClient } from '@causeloop/platform/db';
import { createGrpcClient, type GrpcClient } from '@causeloop/platform/grpc';
import { roleScopes } from '@causeloop/platform/identity';
import { publicApis } from '@causeloop/platform/service-catalogue';
import {
  bearer,
  gatewayOverHttp,
  provisionOrganization,
  signIn,
  startCoreProcesses,
  startGatewayProcess,
  type CoreProcesses,
  type Gateway,
  type GatewayResponse,
  type ServiceProcess,
} from '@causeloop/platform/testing';

export { bearer, signIn } from '@causeloop/platform/testing';

/** Every insights service the gateway fronts and a cluster client may call (the catalogue's `public` ones). */
export const publicInsightsServices = Object.values(publicApis('insights'));

/** A provisioned workspace with its owner signed in (an owner holds every scope). */
export interface Tenant {
  readonly workspaceId: string;
  readonly slug: string;
  /** The owner's access token. */
  readonly owner: string;
}

export interface InsightsClients {
  readonly ingest: GrpcClient<typeof IngestService>;
  readonly issues: GrpcClient<typeof IssueService>;
  readonly patterns: GrpcClient<typeof PatternService>;
  readonly predictions: GrpcClient<typeof PredictionService>;
  readonly jobs: GrpcClient<typeof JobService>;
  readonly analysis: GrpcClient<typeof AnalysisService>;
  readonly recommendations: GrpcClient<typeof RecommendationService>;
  close(): void;
}

export interface InsightsStack {
  readonly core: CoreProcesses;
  /** The insights process the gateway fronts (replace it with `restartInsights`). */
  readonly insights: ServiceProcess;
  /** The api-gateway as a process fronting auth, tenancy and the current insights process. */
  readonly gateway: Gateway;
  readonly cursorSigningKey: string;
  /** A workspace with its owner signed in. */
  tenant(slug: string): Promise<Tenant>;
  /** A clp_sa_ token of a new service account of the tenant with `role` and all of the role's scopes. */
  serviceAccountToken(tenant: Tenant, role: 'ROLE_OWNER' | 'ROLE_VIEWER'): Promise<string>;
  /** Sends a request through the gateway as `token`; the answer's JSON, after checking the status. */
  call<T = unknown>(token: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, status?: number): Promise<T>;
  send(token: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, headers?: Record<string, string>): Promise<GatewayResponse>;
  /** gRPC clients of an insights process. */
  clients(address?: string): InsightsClients;
  /** A job (GET /v1/jobs/{id} as `token`) once it has ended: succeeded, failed or dead. */
  jobEnded(token: string, jobId: string): Promise<JobJson>;
  /** Stops the insights process and starts a new one (and a gateway in front of it). */
  restartInsights(env?: Readonly<Record<string, string>>): Promise<void>;
  /** Another insights process on the same database, beside the first. */
  startAnotherInsights(): Promise<ServiceProcess>;
  /** Runs SQL as the superuser (assertions that must see every tenant). */
  asAdmin<R>(sql: string, values?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

/** Tests walk long lists and send many batches from one principal: more than a person would. */
const generousLimits = { RATE_LIMIT_PER_CLIENT_PER_MINUTE: '100000', RATE_LIMIT_PER_PRINCIPAL_PER_MINUTE: '100000' };

/**
 * Crypto, auth (development mode: `dev:<email>` sign-ins), tenancy (to provision workspaces),
 * insights and the gateway, each a real process, on a fresh migrated database.
 */
export async function startInsightsStack(): Promise<InsightsStack> {
  const core = await startCoreProcesses();
  const cursorSigningKey = randomBytes(32).toString('base64url');
  const tenancy = await core.startTenancy();
  const provisioning = createGrpcClient(ProvisioningService, { address: tenancy.grpcAddress, defaultDeadlineMs: 10_000 });
  let insights = await core.startInsights({ cursorSigningKey });
  let gatewayProcess = await startGatewayProcess({
    databaseUrl: core.database.appUrl,
    authAddress: core.auth.grpcAddress,
    tenancyAddress: tenancy.grpcAddress,
    insightsAddress: insights.grpcAddress,
    env: generousLimits,
  });
  let gateway = gatewayOverHttp(gatewayProcess.httpUrl!);
  const opened: InsightsClients[] = [];
  const others: ServiceProcess[] = [];

  const send: InsightsStack['send'] = (token, method, url, payload, headers = {}) =>
    Promise.resolve(gateway.inject({ method, url, headers: { ...bearer(token), ...headers }, ...(payload === undefined ? {} : { payload }) }));

  const stack: InsightsStack = {
    core,
    get insights() {
      return insights;
    },
    get gateway() {
      return { inject: (request: Parameters<Gateway['inject']>[0]) => gateway.inject(request) };
    },
    cursorSigningKey,
    async tenant(slug) {
      const created = await provisionOrganization(provisioning, core.operator.token, { slug, ownerEmail: `owner@${slug}.example` });
      const accepted = await gateway.inject({ method: 'POST', url: '/v1/invitations/accept', payload: { token: created.ownerInvitationToken } });
      if (accepted.statusCode !== 200) throw new Error(`accept: ${accepted.statusCode} ${accepted.body}`);
      return { workspaceId: created.workspace!.id, slug, owner: await signIn(gateway, `owner@${slug}.example`) };
    },
    async serviceAccountToken(tenant, role) {
      const account = await stack.call<{ service_account: { id: string } }>(tenant.owner, 'POST', '/v1/service-accounts', {
        name: `robot-${randomBytes(4).toString('hex')}`,
        role,
      });
      const scopes = roleScopes[role === 'ROLE_OWNER' ? 'owner' : 'viewer'];
      const token = await stack.call<{ secret: string }>(tenant.owner, 'POST', `/v1/service-accounts/${account.service_account.id}/tokens`, {
        name: 'workload',
        scopes,
      });
      return token.secret;
    },
    async call(token, method, url, payload, status) {
      const response = await send(token, method, url, payload);
      // Without a status, any success: the route's own (200, or 202 for IngestEvent).
      const expected = status === undefined ? response.statusCode >= 200 && response.statusCode < 300 : response.statusCode === status;
      if (!expected) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
      return response.json();
    },
    send,
    async jobEnded(token, jobId) {
      for (let tries = 0; tries < 400; tries++) {
        const { job } = await stack.call<{ job: JobJson }>(token, 'GET', `/v1/jobs/${jobId}`);
        if (['succeeded', 'failed', 'dead'].includes(job.status)) return job;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`job ${jobId} did not end within 20 s`);
    },
    clients(address = insights.grpcAddress) {
      const options = { address, defaultDeadlineMs: 30_000 };
      const clients = {
        ingest: createGrpcClient(IngestService, options),
        issues: createGrpcClient(IssueService, options),
        patterns: createGrpcClient(PatternService, options),
        predictions: createGrpcClient(PredictionService, options),
        jobs: createGrpcClient(JobService, options),
        analysis: createGrpcClient(AnalysisService, options),
        recommendations: createGrpcClient(RecommendationService, options),
        close() {
          clients.ingest.close();
          clients.issues.close();
          clients.patterns.close();
          clients.predictions.close();
          clients.jobs.close();
          clients.analysis.close();
          clients.recommendations.close();
        },
      };
      opened.push(clients);
      return clients;
    },
    async restartInsights(env) {
      await gatewayProcess.stop();
      await insights.stop();
      insights = await core.startInsights({ cursorSigningKey, ...(env === undefined ? {} : { env }) });
      gatewayProcess = await startGatewayProcess({
        databaseUrl: core.database.appUrl,
        authAddress: core.auth.grpcAddress,
        tenancyAddress: tenancy.grpcAddress,
        insightsAddress: insights.grpcAddress,
        env: generousLimits,
      });
      gateway = gatewayOverHttp(gatewayProcess.httpUrl!);
    },
    async startAnotherInsights() {
      const another = await core.startInsights({ cursorSigningKey });
      others.push(another);
      return another;
    },
    asAdmin: (sql, values = []) => withClient(core.database.adminUrl, async (client) => (await client.query(sql, values)).rows),
    async close() {
      for (const clients of opened) clients.close();
      provisioning.close();
      await gatewayProcess.stop();
      await Promise.all(others.map((process) => process.stop()));
      await core.close();
    },
  };
  return stack;
}

/** A job as GET /v1/jobs/{id} and the 202 of a call that queued one show it. */
export interface JobJson {
  id: string;
  kind: string;
  status: string;
  attempts: number;
  last_error?: string;
  result?: Record<string, unknown>;
}

/** A failure record in the JSON the HTTP API takes. */
export interface RecordJson {
  source?: string;
  external_id: string;
  title: string;
  body?: string;
  severity?: string;
  service?: string;
  component?: string;
  occurred_at?: string;
  url?: string;
  attributes?: Record<string, unknown>;
}

export interface IngestBatchJson {
  accepted: { index?: number; issue_id: string; outcome: string; pattern_id: string; grouping: GroupingJson }[];
  rejected: { index?: number; field: string; reason: string }[];
}

export interface GroupingJson {
  template: string;
  slots?: { kind: string; value: string }[];
  rule: string;
  fingerprint: string;
}

export interface IssueJson {
  id: string;
  source: string;
  external_id: string;
  title: string;
  severity: string;
  service: string;
  status: string;
  pattern_id?: string;
  grouping: GroupingJson;
  occurrences: number;
  risk_score?: number;
  occurred_at: string;
  assignee?: string;
  team?: string;
}

export interface PatternJson {
  id: string;
  template: string;
  status: string;
  merged_into?: string;
  issue_count?: number;
  recurrence: string;
  risk_score?: number;
  severity: string;
  fingerprints?: string[];
  daily?: { date: string; count?: number }[];
}

export interface PageJson<T> {
  data?: T[];
  page: { next_cursor?: string; has_more?: boolean };
}
