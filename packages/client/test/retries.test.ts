import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { MemberService } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import { WorkspaceService } from '@causeloop/proto/causeloop/tenancy/v1/workspaces_pb.js';
import { findFreePort, type ServiceProcess } from '@causeloop/platform/testing';
import { createClient, defaultRetryPolicy, isIdempotentRead, type RetryEvent } from '../src/index.js';
import { backoffDelayMs } from '../src/retry-policy.js';
import { startTenancyProcesses, type ProvisionedWorkspace, type TenancyProcesses } from './support/tenancy-processes.js';
import { rejection } from './support/rejection.js';

let stack: TenancyProcesses;
let workspace: ProvisionedWorkspace;
beforeAll(async () => {
  stack = await startTenancyProcesses();
  workspace = await stack.provisionWorkspace({ slug: 'retries', serviceAccountRole: Role.ADMIN });
});
afterAll(async () => {
  await stack?.close();
});

describe('retries', () => {
  it('retries a read on UNAVAILABLE and succeeds once the server has come up', async () => {
    const port = await findFreePort();
    const retries: RetryEvent[] = [];
    let late: Promise<ServiceProcess> | undefined;
    const client = createClient({
      address: `127.0.0.1:${port}`,
      token: workspace.serviceAccountToken,
      // Room for a process to boot and for grpc-js's own reconnect backoff (1 s, then 1.6 s).
      retry: { maxAttempts: 10, initialBackoffMs: 500, maxBackoffMs: 5_000 },
      onRetry: (event) => {
        retries.push(event);
        // Nothing listens until the first attempt has failed; then the real tenancy starts.
        late ??= stack.startTenancy(port);
      },
    });
    try {
      const { workspace: answered } = await client.workspaces.getWorkspace({ workspaceId: workspace.workspaceId }, { deadlineMs: 60_000 });
      expect(answered?.id).toBe(workspace.workspaceId);
      expect(retries.length).toBeGreaterThanOrEqual(1);
      expect(retries[0]?.attempt).toBe(1);
      expect(retries[0]?.error.grpcCodeName).toBe('UNAVAILABLE');
    } finally {
      client.close();
      await late;
    }
  }, 90_000);

  it('never retries a write, even on UNAVAILABLE', async () => {
    const port = await findFreePort(); // nothing listens there
    const retries: RetryEvent[] = [];
    const client = createClient({ address: `127.0.0.1:${port}`, token: workspace.serviceAccountToken, onRetry: (event) => retries.push(event) });
    try {
      const error = await rejection(client.workspaces.updateWorkspace({ workspaceId: workspace.workspaceId, name: 'Renamed' }));
      expect(error.grpcCodeName).toBe('UNAVAILABLE');
      expect(error.code).toBe('unavailable');
      expect(retries).toEqual([]);
    } finally {
      client.close();
    }
  });

  it('gives up on a read after maxAttempts, with the last UNAVAILABLE', async () => {
    const port = await findFreePort();
    const retries: RetryEvent[] = [];
    const client = createClient({
      address: `127.0.0.1:${port}`,
      token: workspace.serviceAccountToken,
      retry: { maxAttempts: 3 },
      onRetry: (event) => retries.push(event),
    });
    try {
      const error = await rejection(client.members.listMembers({ workspaceId: workspace.workspaceId }));
      expect(error.grpcCodeName).toBe('UNAVAILABLE');
      expect(retries.map((event) => event.attempt)).toEqual([1, 2]);
    } finally {
      client.close();
    }
  });

  it('classifies reads by the HTTP rule the gateway routes by: GET only', () => {
    const reads = [...WorkspaceService.methods, ...MemberService.methods].filter(isIdempotentRead).map((method) => method.name);
    expect(reads.sort()).toEqual(['GetRetention', 'GetWorkspace', 'ListMembers']);
  });

  it('backs off with full jitter under a doubling, capped ceiling', () => {
    const policy = { ...defaultRetryPolicy, initialBackoffMs: 100, maxBackoffMs: 300 };
    const justBelowOne = 1 - Number.EPSILON;
    expect([1, 2, 3, 4].map((attempt) => backoffDelayMs(attempt, policy, () => justBelowOne))).toEqual([99, 199, 299, 299]);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
  });
});
