import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { MemberService } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import { Plan, ProvisioningService } from '@causeloop/proto/causeloop/tenancy/v1/provisioning_pb.js';
import { isCauseloopError } from '@causeloop/platform/errors';
import { createGrpcClient } from '@causeloop/platform/grpc';

const plans: Readonly<Record<string, Plan>> = {
  free: Plan.FREE,
  starter: Plan.STARTER,
  growth: Plan.GROWTH,
  enterprise: Plan.ENTERPRISE,
};

export interface CreateOrganizationOptions {
  readonly tenancyAddress: string;
  readonly authAddress: string;
  readonly operatorToken: string;
  readonly slug: string;
  readonly name: string;
  readonly plan: string;
  readonly seats: number;
  readonly ownerEmail: string;
  /** Accept the owner invitation at once and, when auth allows it, sign the owner in. */
  readonly accept: boolean;
  readonly print: (line: string) => void;
}

/**
 * `org create`: provisions through the tenancy service's ProvisioningService (the operator
 * token in `authorization`), then prints what a fresh install needs: the owner invitation
 * token and how to accept it, and with --accept a first access token for the owner when
 * auth runs in development local mode (with an identity provider, the owner signs in there).
 */
export async function createOrganization(options: CreateOrganizationOptions): Promise<void> {
  const plan = plans[options.plan];
  if (plan === undefined) throw new Error('--plan must be free, starter, growth or enterprise');
  const { print } = options;
  const provisioning = createGrpcClient(ProvisioningService, { address: options.tenancyAddress, defaultDeadlineMs: 30_000 });
  const members = createGrpcClient(MemberService, { address: options.tenancyAddress, defaultDeadlineMs: 10_000 });
  const auth = createGrpcClient(AuthService, { address: options.authAddress, defaultDeadlineMs: 10_000 });
  try {
    const created = await provisioning.createOrganization(
      { slug: options.slug, name: options.name, plan, seats: options.seats, ownerEmail: options.ownerEmail },
      { metadata: { authorization: `Bearer ${options.operatorToken}` } },
    );
    print(`organization ${created.organization?.id} (${created.organization?.slug})`);
    print(`workspace    ${created.workspace?.id}`);
    if (created.replayed) {
      print('already provisioned by an identical earlier request: nothing new was created;');
      print('the owner invitation token was shown then (the owner can also be re-invited by an admin)');
      return;
    }
    const token = created.ownerInvitationToken;
    const email = created.ownerInvitation?.email ?? options.ownerEmail;
    print(`owner invitation for ${email} (expires ${expiry(created.ownerInvitation?.expiresAt?.seconds)}), shown once:`);
    print(`  ${token}`);
    if (!options.accept) {
      print('accept it through the gateway, then sign in as the owner through your identity provider:');
      print(`  curl -X POST http://127.0.0.1:8080/v1/invitations/accept -H 'content-type: application/json' -d '{"token":"${token}"}'`);
      return;
    }
    await members.acceptInvitation({ token });
    print(`accepted: ${email} is the workspace's owner`);
    try {
      const session = await auth.exchangeToken({ subjectToken: `dev:${email}`, workspaceId: created.workspace?.id ?? '' });
      print(`first admin (owner) access token, valid ${session.expiresIn} s:`);
      print(`  ${session.accessToken}`);
      print(`refresh token (POST /v1/auth/refresh):`);
      print(`  ${session.refreshToken}`);
    } catch (error) {
      if (!isCauseloopError(error) || error.code !== 'unavailable') throw error;
      print(`auth signs users in through the identity provider: sign in there as ${email}`);
      print('(POST /v1/auth/exchange with its token) to get the first access token');
    }
  } finally {
    provisioning.close();
    members.close();
    auth.close();
  }
}

function expiry(seconds: bigint | undefined): string {
  return seconds === undefined ? 'in 7 days' : new Date(Number(seconds) * 1000).toISOString();
}
