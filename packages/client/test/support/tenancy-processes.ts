import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import type { Role } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { MemberService } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import { ProvisioningService } from '@causeloop/proto/causeloop/tenancy/v1/provisioning_pb.js';
import { createGrpcClient } from '@causeloop/platform/grpc';
import { roleFromProto, roleScopes } from '@causeloop/platform/identity';
import { bearer, provisionOrganization, startCoreProcesses, type ServiceProcess } from '@causeloop/platform/testing';

/** A provisioned workspace whose owner has signed in and made a service account. */
export interface ProvisionedWorkspace {
  readonly workspaceId: string;
  readonly ownerEmail: string;
  /** A `clp_sa_…` token of a service account with the role asked for. */
  readonly serviceAccountToken: string;
}

export interface TenancyProcesses {
  /** `127.0.0.1:<port>` of the tenancy process. */
  readonly tenancyAddress: string;
  /** `127.0.0.1:<port>` of the insights process, when one was asked for. */
  readonly insightsAddress: string | undefined;
  /** Starts another tenancy process on `port` (same database and peers), e.g. one that comes up late. */
  startTenancy(port?: number): Promise<ServiceProcess>;
  provisionWorkspace(options: { slug: string; serviceAccountRole: Role }): Promise<ProvisionedWorkspace>;
  close(): Promise<void>;
}

/**
 * Crypto, auth (development mode, so `dev:<email>` sign-ins work) and tenancy (and, with
 * `insights`, insights) as real processes on a fresh migrated database, the way pods run
 * them: the client under test talks to them over loopback only.
 */
export async function startTenancyProcesses(options: { readonly insights?: boolean } = {}): Promise<TenancyProcesses> {
  const core = await startCoreProcesses();
  const [tenancy, insights] = await Promise.all([core.startTenancy(), options.insights === true ? core.startInsights() : undefined]);

  const clientOptions = { defaultDeadlineMs: 10_000 };
  const authClient = createGrpcClient(AuthService, { address: core.auth.grpcAddress, ...clientOptions });
  const provisioning = createGrpcClient(ProvisioningService, { address: tenancy.grpcAddress, ...clientOptions });
  const members = createGrpcClient(MemberService, { address: tenancy.grpcAddress, ...clientOptions });

  return {
    tenancyAddress: tenancy.grpcAddress,
    insightsAddress: insights?.grpcAddress,
    startTenancy: core.startTenancy,
    async provisionWorkspace({ slug, serviceAccountRole }) {
      const created = await provisionOrganization(provisioning, core.operator.token, { slug });
      const workspaceId = created.workspace?.id;
      if (workspaceId === undefined) throw new Error('provisioning answered without a workspace');
      const ownerEmail = `owner@${slug}.example`;
      await members.acceptInvitation({ token: created.ownerInvitationToken });
      const { accessToken } = await authClient.exchangeToken({ subjectToken: `dev:${ownerEmail}`, workspaceId });
      const asOwner = { metadata: bearer(accessToken) };
      const { serviceAccount } = await authClient.createServiceAccount({ name: 'reporting', role: serviceAccountRole }, asOwner);
      if (serviceAccount === undefined) throw new Error('CreateServiceAccount answered without an account');
      const roleName = roleFromProto(serviceAccountRole);
      if (roleName === undefined) throw new Error(`no role ${serviceAccountRole}`);
      // Every scope the account's role holds: the role, not the token, is what a test varies.
      const { secret } = await authClient.createServiceAccountToken(
        { serviceAccountId: serviceAccount.id, name: 'reporting', scopes: [...roleScopes[roleName]] },
        asOwner,
      );
      return { workspaceId, ownerEmail, serviceAccountToken: secret };
    },
    async close() {
      for (const client of [authClient, provisioning, members]) client.close();
      await core.close();
    },
  };
}
