import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { Role } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { MemberService } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import { Plan, ProvisioningService } from '@causeloop/proto/causeloop/tenancy/v1/provisioning_pb.js';
import { createGrpcClient, type GrpcClient } from '@causeloop/platform/grpc';
import { generateAssertionKeyPair, roleFromProto, roleScopes } from '@causeloop/platform/identity';
import {
  createTestDatabase,
  serviceMain,
  startAuthProcess,
  startCryptoProcess,
  startServiceProcess,
  type ServiceProcess,
  type TestDatabase,
} from '@causeloop/platform/testing';

const repositoryRoot = path.resolve(import.meta.dirname, '../../../..');

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
  /** Starts another tenancy process on `port` (same database and peers), e.g. one that comes up late. */
  startTenancy(port?: number): Promise<ServiceProcess>;
  provisionWorkspace(options: { slug: string; serviceAccountRole: Role }): Promise<ProvisionedWorkspace>;
  close(): Promise<void>;
}

/**
 * Crypto, auth (development mode, so `dev:<email>` sign-ins work) and tenancy as real
 * processes on a fresh migrated database, the way pods run them: the client under test
 * talks to them over loopback only.
 */
export async function startTenancyProcesses(): Promise<TenancyProcesses> {
  const database: TestDatabase = await createTestDatabase();
  const keys = await generateAssertionKeyPair();
  const operatorToken = `clp_op_${randomBytes(32).toString('base64url')}`;
  const processes: ServiceProcess[] = [];
  const crypto = await startCryptoProcess();
  processes.push(crypto);
  const auth = await startAuthProcess({ databaseUrl: database.appUrl, assertionPrivateKeyPem: keys.privateKeyPem });
  processes.push(auth);
  const startTenancy = async (port?: number): Promise<ServiceProcess> => {
    const tenancy = await startServiceProcess({
      main: serviceMain('tenancy'),
      cwd: repositoryRoot,
      env: {
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        DATABASE_URL: database.appUrl,
        AUTH_GRPC_ADDR: auth.grpcAddress,
        CRYPTO_GRPC_ADDR: crypto.grpcAddress,
        PRINCIPAL_ASSERTION_PUBLIC_KEY: keys.publicKeyPem,
        OPERATOR_TOKEN_SHA256: createHash('sha256').update(operatorToken).digest('hex'),
        RETENTION_PURGE_INTERVAL_MS: '0',
        ...(port === undefined ? {} : { GRPC_PORT: String(port) }),
      },
    });
    processes.push(tenancy);
    return tenancy;
  };
  const tenancy = await startTenancy();

  const clientOptions = { defaultDeadlineMs: 10_000 };
  const authClient: GrpcClient<typeof AuthService> = createGrpcClient(AuthService, { address: auth.grpcAddress, ...clientOptions });
  const provisioning = createGrpcClient(ProvisioningService, { address: tenancy.grpcAddress, ...clientOptions });
  const members = createGrpcClient(MemberService, { address: tenancy.grpcAddress, ...clientOptions });

  return {
    tenancyAddress: tenancy.grpcAddress,
    startTenancy,
    async provisionWorkspace({ slug, serviceAccountRole }) {
      const ownerEmail = `owner@${slug}.example`;
      const created = await provisioning.createOrganization(
        { slug, name: `Org ${slug}`, plan: Plan.STARTER, seats: 10, ownerEmail },
        { metadata: { authorization: `Bearer ${operatorToken}` } },
      );
      const workspaceId = created.workspace?.id;
      if (workspaceId === undefined) throw new Error('provisioning answered without a workspace');
      await members.acceptInvitation({ token: created.ownerInvitationToken });
      const { accessToken } = await authClient.exchangeToken({ subjectToken: `dev:${ownerEmail}`, workspaceId });
      const asOwner = { metadata: { authorization: `Bearer ${accessToken}` } };
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
      await Promise.all(processes.map((process) => process.stop()));
      await database.drop();
    },
  };
}
