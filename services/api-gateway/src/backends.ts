import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { AuditLogService } from '@causeloop/proto/causeloop/tenancy/v1/audit_pb.js';
import { GovernanceService } from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import { MemberService } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import { WorkspaceService } from '@causeloop/proto/causeloop/tenancy/v1/workspaces_pb.js';
import { createGrpcClient, type GrpcClient } from '@causeloop/platform/grpc';
import type { ServiceRuntime } from '@causeloop/platform/runtime';
import type { GatewayConfig } from './config.js';
import { frontService, type FrontedService } from './fronted-service.js';

export interface Backends {
  /** auth's client: the authenticator calls `Authenticate` on it. */
  readonly auth: GrpcClient<typeof AuthService>;
  /** Every service whose HTTP rules become routes. */
  readonly fronted: readonly FrontedService[];
}

/**
 * One gRPC client per backend service, closed on shutdown; auth's channel is part of
 * readiness. Tenancy's public services are fronted when TENANCY_GRPC_ADDR is set
 * (ProvisioningService has no HTTP rule and is never fronted).
 */
export function connectBackends(config: GatewayConfig, runtime: ServiceRuntime): Backends {
  const clientOptions = (address: string) => ({
    address,
    logger: runtime.logger,
    registry: runtime.registry,
    defaultDeadlineMs: config.backendDeadlineMs,
  });
  const auth = createGrpcClient(AuthService, clientOptions(config.authGrpcAddr));
  runtime.lifecycle.onShutdown('auth client', () => auth.close());
  // Authorize with an empty principal touches no database: a cheap proof the channel works.
  runtime.readiness.register('auth', async () => void (await auth.authorize({ scope: '' }, { deadlineMs: 1_000 })));

  const fronted: FrontedService[] = [frontService(AuthService, auth)];
  if (config.tenancyGrpcAddr !== undefined) {
    const address = config.tenancyGrpcAddr;
    const workspaces = createGrpcClient(WorkspaceService, clientOptions(address));
    const members = createGrpcClient(MemberService, clientOptions(address));
    const auditLog = createGrpcClient(AuditLogService, clientOptions(address));
    const governance = createGrpcClient(GovernanceService, clientOptions(address));
    runtime.lifecycle.onShutdown('tenancy clients', () => {
      for (const client of [workspaces, members, auditLog, governance]) client.close();
    });
    fronted.push(
      frontService(WorkspaceService, workspaces),
      frontService(MemberService, members),
      frontService(AuditLogService, auditLog),
      frontService(GovernanceService, governance),
    );
  }
  return { auth, fronted };
}
