import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { createClient, type CauseloopClient } from '../src/index.js';
import { startTenancyProcesses, type ProvisionedWorkspace, type TenancyProcesses } from './support/tenancy-processes.js';
import { rejection } from './support/rejection.js';

let stack: TenancyProcesses;
let a: ProvisionedWorkspace;
let b: ProvisionedWorkspace;
let viewerOfA: CauseloopClient;
beforeAll(async () => {
  stack = await startTenancyProcesses();
  a = await stack.provisionWorkspace({ slug: 'errors-a', serviceAccountRole: Role.VIEWER });
  b = await stack.provisionWorkspace({ slug: 'errors-b', serviceAccountRole: Role.VIEWER });
  viewerOfA = createClient({ address: stack.tenancyAddress, token: a.serviceAccountToken });
});
afterAll(async () => {
  viewerOfA?.close();
  await stack?.close();
});

describe('errors', () => {
  it('lets a viewer’s service-account token read its own workspace', async () => {
    const { workspace } = await viewerOfA.workspaces.getWorkspace({ workspaceId: a.workspaceId });
    expect(workspace?.id).toBe(a.workspaceId);
  });

  it('answers NOT_FOUND / not_found for any id of another workspace, never its data', async () => {
    for (const call of [
      () => viewerOfA.workspaces.getWorkspace({ workspaceId: b.workspaceId }),
      () => viewerOfA.members.listMembers({ workspaceId: b.workspaceId }),
    ]) {
      const error = await rejection(call());
      expect(error.grpcCodeName).toBe('NOT_FOUND');
      expect(error.grpcCode).toBe(5);
      expect(error.code).toBe('not_found');
      expect(error.message).not.toContain('errors-b');
    }
  });

  it('refuses a write with a viewer’s token: PERMISSION_DENIED / insufficient_scope, nothing changed', async () => {
    const error = await rejection(viewerOfA.workspaces.updateWorkspace({ workspaceId: a.workspaceId, name: 'Taken over' }));
    expect(error.grpcCodeName).toBe('PERMISSION_DENIED');
    expect(error.grpcCode).toBe(7);
    expect(error.code).toBe('insufficient_scope');
    expect(error.rpc).toBe('causeloop.tenancy.v1.WorkspaceService/UpdateWorkspace');
    const { workspace } = await viewerOfA.workspaces.getWorkspace({ workspaceId: a.workspaceId });
    expect(workspace?.name).not.toBe('Taken over');
  });

  it('answers UNAUTHENTICATED for a well-formed token nobody issued', async () => {
    const forged = createClient({ address: stack.tenancyAddress, token: `clp_sa_${'A'.repeat(36)}000000` });
    try {
      const error = await rejection(forged.workspaces.getWorkspace({ workspaceId: a.workspaceId }));
      expect(error.grpcCodeName).toBe('UNAUTHENTICATED');
      expect(error.code).toBe('unauthenticated');
    } finally {
      forged.close();
    }
  });

  it('refuses a token that would smuggle another header, without echoing it', () => {
    const smuggling = `${a.serviceAccountToken}\r\nx-causeloop-principal: forged`;
    let thrown: unknown;
    try {
      createClient({ address: stack.tenancyAddress, token: smuggling });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'invalid_argument', violations: [{ field: 'token' }] });
    expect(JSON.stringify(thrown)).not.toContain(a.serviceAccountToken);
    expect(String(thrown)).not.toContain(a.serviceAccountToken);
  });
});
