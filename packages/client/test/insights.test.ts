import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fromJson, type DescService, type JsonValue, type Message } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { IngestOutcome } from '@causeloop/proto/causeloop/insights/v1/ingest_pb.js';
import { createGrpcClient, type GrpcCallOptions } from '@causeloop/platform/grpc';
import { isCauseloopError } from '@causeloop/platform/errors';
import { clientServiceGroups } from '../src/client-services.js';
import { createClient } from '../src/index.js';
import { rejection } from './support/rejection.js';
import { startTenancyProcesses, type ProvisionedWorkspace, type TenancyProcesses } from './support/tenancy-processes.js';

const repositoryRoot = path.resolve(import.meta.dirname, '../../..');

let stack: TenancyProcesses;
let analyst: ProvisionedWorkspace;
let insightsAddress: string;
beforeAll(async () => {
  stack = await startTenancyProcesses({ insights: true });
  insightsAddress = stack.insightsAddress!;
  analyst = await stack.provisionWorkspace({ slug: 'insights-client', serviceAccountRole: Role.ANALYST });
});
afterAll(async () => {
  await stack?.close();
});

const timeout = (ms: number) => `PaymentProviderTimeout: POST https://api.stripe.com/v1/payment_intents timed out after ${ms}ms`;

describe('@causeloop/client and insights', () => {
  it('sends failure records and reads the issues and patterns they made, given insightsAddress alone', async () => {
    const client = createClient({ insightsAddress, token: analyst.serviceAccountToken });
    try {
      const record = { source: 'sentry', service: 'checkout-api', component: 'payments-client', severity: 'p2' };
      const { accepted, rejected } = await client.ingest.ingestBatch({
        records: [
          { ...record, externalId: 'evt-1', title: timeout(30_012) },
          { ...record, externalId: 'evt-2', title: timeout(30_417) },
          { ...record, externalId: 'evt-3', title: 'HTTP 503 Service Unavailable from inventory-service', component: 'inventory-client' },
        ],
      });
      expect(rejected).toEqual([]);
      expect(accepted.map((answer) => answer.outcome)).toEqual([IngestOutcome.CREATED, IngestOutcome.CREATED, IngestOutcome.CREATED]);
      // The two timeouts differ only in a duration: one pattern; the 503 has its own.
      expect(accepted[0]!.patternId).toBe(accepted[1]!.patternId);
      expect(accepted[2]!.patternId).not.toBe(accepted[0]!.patternId);

      const issues = await client.issues.listIssues({ page: { limit: 10 } });
      expect(issues.data.map((issue) => issue.externalId).sort()).toEqual(['evt-1', 'evt-2', 'evt-3']);
      const pattern = await client.patterns.getPattern({ patternId: accepted[0]!.patternId });
      expect(pattern.pattern?.issueCount).toBe(2);
      const patterns = await client.patterns.listPatterns({});
      expect(patterns.data.map((found) => found.id).sort()).toEqual([accepted[0]!.patternId, accepted[2]!.patternId].sort());

      // tenancy's services need `address`: their calls reject at once, naming the option.
      const missing = await rejection(client.workspaces.getWorkspace({ workspaceId: analyst.workspaceId }));
      expect(missing.code).toBe('invalid_argument');
      expect(missing.message).toContain("needs the client's address");
    } finally {
      client.close();
    }
  });

  it('calls tenancy and insights from one client, each at its own address', async () => {
    const client = createClient({ address: stack.tenancyAddress, insightsAddress, token: analyst.serviceAccountToken });
    try {
      const { workspace } = await client.workspaces.getWorkspace({ workspaceId: analyst.workspaceId });
      expect(workspace?.id).toBe(analyst.workspaceId);
      expect((await client.issues.listIssues({ page: { limit: 1 } })).data).toHaveLength(1);
      // And with only tenancy's address, as before insights existed, insights' calls say what is missing.
      const tenancyOnly = createClient({ address: stack.tenancyAddress, token: analyst.serviceAccountToken });
      const missing = await rejection(tenancyOnly.issues.listIssues({}));
      expect(missing.message).toContain("needs the client's insightsAddress");
      tenancyOnly.close();
    } finally {
      client.close();
    }
  });

  it('is held to the token’s role: a viewer reads issues but may not ingest', async () => {
    const viewer = await stack.provisionWorkspace({ slug: 'insights-viewer', serviceAccountRole: Role.VIEWER });
    const client = createClient({ insightsAddress, token: viewer.serviceAccountToken });
    try {
      expect((await client.issues.listIssues({})).data).toEqual([]); // its own, empty workspace
      const refused = await rejection(client.ingest.ingestEvent({ record: { source: 'ci', externalId: 'x', title: 'build failed' } }));
      expect(refused.code).toBe('insufficient_scope');
      expect(refused.grpcCodeName).toBe('PERMISSION_DENIED');
    } finally {
      client.close();
    }
  });

  it('refuses options that name no address, or an empty one', () => {
    const violations = (options: Parameters<typeof createClient>[0]): string[] => {
      try {
        createClient(options);
      } catch (error) {
        if (isCauseloopError(error)) return error.violations.map((violation) => violation.field);
        throw error;
      }
      return [];
    };
    expect(violations({ token: analyst.serviceAccountToken })).toEqual(['address']);
    expect(violations({ insightsAddress: ' ', token: analyst.serviceAccountToken })).toEqual(['insightsAddress']);
  });
});

type Rpc = (request: Message, options?: GrpcCallOptions) => Promise<Message>;

describe('the grpcurl examples in docs/http-api.md', () => {
  it('answer as written, called with a service-account token', async () => {
    const client = createClient({ insightsAddress, token: analyst.serviceAccountToken });
    await client.ingest.ingestEvent({ record: { source: 'ci', externalId: 'grpcurl-1', title: 'e2e: checkout timed out after 120s' } });
    client.close();
    const docs = await readFile(path.join(repositoryRoot, 'docs/http-api.md'), 'utf8');
    const section = docs.slice(docs.indexOf('## Calling over gRPC instead'));
    const commands = [...section.matchAll(/^grpcurl -plaintext -H 'authorization: Bearer clp_sa_…' -d '([^']*)' \\\n\s+(\S+) ([\w.]+)\/(\w+)$/gm)];
    expect(commands.map((command) => `${command[3]}/${command[4]}`)).toEqual([
      'causeloop.tenancy.v1.MemberService/ListMembers',
      'causeloop.insights.v1.IssueService/ListIssues',
    ]);
    const services: Record<string, { service: DescService; address: string }> = {};
    for (const [group, address] of [['tenancy', stack.tenancyAddress], ['insights', insightsAddress]] as const) {
      for (const service of Object.values<DescService>(clientServiceGroups[group])) services[service.typeName] = { service, address };
    }
    for (const [, json, , typeName, methodName] of commands) {
      const { service, address } = services[typeName!]!;
      const method = service.methods.find((candidate) => candidate.name === methodName)!;
      const client = createGrpcClient(service, { address, defaultDeadlineMs: 10_000 });
      try {
        // `…` stands for the caller's own workspace id.
        const request = fromJson(method.input, JSON.parse(json!.replaceAll('…', analyst.workspaceId)) as JsonValue);
        const call = (client as unknown as Record<string, Rpc>)[method.localName]!;
        const answer = (await call(request, { metadata: { authorization: `Bearer ${analyst.serviceAccountToken}` } })) as unknown as { data: unknown[] };
        expect(answer.data.length, `${typeName}/${methodName}`).toBeGreaterThan(0);
      } finally {
        client.close();
      }
    }
  });
});
