import { describe, expect, it } from 'vitest';
import { clientServices } from '../src/client-services.js';

describe('the services a client exposes', () => {
  it('are tenancy’s workload-facing services, and never the operator-only provisioning', () => {
    expect(Object.fromEntries(Object.entries(clientServices).map(([name, service]) => [name, service.typeName]))).toEqual({
      workspaces: 'causeloop.tenancy.v1.WorkspaceService',
      members: 'causeloop.tenancy.v1.MemberService',
      auditLog: 'causeloop.tenancy.v1.AuditLogService',
      governance: 'causeloop.tenancy.v1.GovernanceService',
    });
  });
});
