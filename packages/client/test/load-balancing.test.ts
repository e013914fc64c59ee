import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Role } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import type { ServiceProcess } from '@causeloop/platform/testing';
import { createClient } from '../src/index.js';
import { startTenancyProcesses, type ProvisionedWorkspace, type TenancyProcesses } from './support/tenancy-processes.js';

let stack: TenancyProcesses;
let workspace: ProvisionedWorkspace;
let replicas: ServiceProcess[];
beforeAll(async () => {
  stack = await startTenancyProcesses();
  workspace = await stack.provisionWorkspace({ slug: 'balanced', serviceAccountRole: Role.VIEWER });
  replicas = [await stack.startTenancy(), await stack.startTenancy()];
});
afterAll(async () => {
  await stack?.close();
});

const servedGetWorkspace = (replica: ServiceProcess): number =>
  replica.lines.filter((line) => line['rpc'] === 'causeloop.tenancy.v1.WorkspaceService/GetWorkspace').length;

describe('load balancing', () => {
  // A headless service's `dns:///` name resolves to one address per pod; whichever
  // resolver yields the addresses, the channel's policy decides who gets the calls. Two
  // literal addresses stand in for two pods (loopback has no name with two records).
  it('spreads calls round-robin over every address of the target, not all to the first', async () => {
    const [first, second] = replicas as [ServiceProcess, ServiceProcess];
    const addresses = [first, second].map((replica) => replica.grpcAddress).join(',');
    const client = createClient({ address: `ipv4:${addresses}`, token: workspace.serviceAccountToken });
    try {
      // Sequential, after the first call has connected both: round-robin alternates.
      await client.workspaces.getWorkspace({ workspaceId: workspace.workspaceId });
      for (let call = 0; call < 10; call += 1) await client.workspaces.getWorkspace({ workspaceId: workspace.workspaceId });
      // Access-log lines reach us through a pipe, a little after the answers.
      await vi.waitFor(() => expect(servedGetWorkspace(first) + servedGetWorkspace(second)).toBe(11), { timeout: 20_000 });
      expect(servedGetWorkspace(first)).toBeGreaterThanOrEqual(3);
      expect(servedGetWorkspace(second)).toBeGreaterThanOrEqual(3);
    } finally {
      client.close();
    }
  });
});
