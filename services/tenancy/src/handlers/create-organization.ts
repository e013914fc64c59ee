import { createHash } from 'node:crypto';
import {
  OrganizationStatus,
  Plan,
  type CreateOrganizationRequest,
  type ProvisioningService,
} from '@causeloop/proto/causeloop/tenancy/v1/provisioning_pb.js';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { CreateOrganizationResponseSchema } from '@causeloop/proto/causeloop/tenancy/v1/provisioning_pb.js';
import { uuidv7 } from 'uuidv7';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { CauseloopError, invalidField } from '@causeloop/platform/errors';
import type { ServiceImpl } from '@causeloop/platform/grpc';
import type { TenancyDeps } from '../deps.js';
import { generateInvitationToken, hashInvitationToken, invitationTtlMs } from '../invitation-token.js';
import { requireOperator } from '../operator-auth.js';
import type { OrganizationRow, OrganizationStatusName, PlanName } from '../stores/organization-store.js';
import { invitationView, workspaceView } from './views.js';

type Response = MessageInitShape<typeof CreateOrganizationResponseSchema>;

const plans: ReadonlyMap<Plan, PlanName> = new Map([
  [Plan.FREE, 'free'],
  [Plan.STARTER, 'starter'],
  [Plan.GROWTH, 'growth'],
  [Plan.ENTERPRISE, 'enterprise'],
]);
const planProtos = new Map([...plans].map(([proto, name]) => [name, proto]));
const statuses: ReadonlyMap<OrganizationStatus, OrganizationStatusName> = new Map([
  [OrganizationStatus.UNSPECIFIED, 'active'],
  [OrganizationStatus.ACTIVE, 'active'],
  [OrganizationStatus.SUSPENDED, 'suspended'],
]);

interface Provisioning {
  readonly slug: string;
  readonly name: string;
  readonly plan: PlanName;
  readonly seats: number;
  readonly status: OrganizationStatusName;
  readonly workspaceName: string;
  readonly workspaceSlug: string;
  readonly ownerEmail: string;
}

/**
 * CreateOrganization (operators only): organization, first workspace with its data key,
 * and the owner's invitation in one transaction. The organization's slug is the
 * idempotency key: the same request again answers the same ids (replayed, no new rows,
 * no secret), a different request for a taken slug is `already_exists`. The RPC has no
 * HTTP rule, so no gateway Idempotency-Key reaches it: the slug does that job.
 */
export function createOrganization(
  deps: Pick<TenancyDeps, 'pool' | 'clock' | 'envelope' | 'operatorTokenHashes' | 'organizations' | 'workspaces' | 'invitations'>,
): ServiceImpl<typeof ProvisioningService>['createOrganization'] {
  return async (request, context) => {
    requireOperator(context.metadata, deps.operatorTokenHashes);
    // Operator tokens are not principals: the entries name the operator role, not a person.
    const operator = auditActor(context, { kind: 'operator', name: 'platform operator' });
    const wanted = provisioningOf(request);
    const fingerprint = createHash('sha256').update(JSON.stringify(wanted)).digest();
    const organizationId = uuidv7();
    const workspaceId = uuidv7();
    const token = generateInvitationToken(workspaceId);

    const outcome = await withTenant(deps.pool, workspaceId, async (client): Promise<Response | OrganizationRow> => {
      const holder = await deps.organizations.claim(client, {
        id: organizationId,
        slug: wanted.slug,
        name: wanted.name,
        plan: wanted.plan,
        seats: wanted.seats,
        status: wanted.status,
        firstWorkspaceId: workspaceId,
        fingerprint,
      });
      if (holder.organization_id !== organizationId) return holder;
      const workspace = await deps.workspaces.insert(client, {
        id: workspaceId,
        organizationId,
        name: wanted.workspaceName,
        slug: wanted.workspaceSlug,
      });
      await deps.envelope.ensureDataKey(client, workspaceId);
      const invitation = await deps.invitations.replacePending(client, {
        id: uuidv7(),
        email: wanted.ownerEmail,
        role: 'owner',
        tokenHash: hashInvitationToken(token),
        invitedBy: undefined,
        expiresAt: new Date(deps.clock().getTime() + invitationTtlMs),
      });
      await appendAuditEntry(client, {
        ...operator,
        action: 'organization.created',
        targetType: 'organization',
        targetId: organizationId,
        after: { ...wanted, workspace_id: workspaceId },
      });
      await appendAuditEntry(client, {
        ...operator,
        action: 'member.invited',
        targetType: 'invitation',
        targetId: invitation.id,
        after: { email: wanted.ownerEmail, role: 'owner', expires_at: invitation.expires_at.toISOString() },
      });
      return {
        organization: organizationView(holder),
        workspace: workspaceView(workspace),
        ownerInvitation: invitationView(invitation),
        ownerInvitationToken: token,
        replayed: false,
      };
    });
    if (!('request_fingerprint' in outcome)) return outcome;
    if (!outcome.request_fingerprint.equals(fingerprint)) {
      throw new CauseloopError('already_exists', `organization slug "${wanted.slug}" is taken`);
    }
    return replay(deps, outcome);
  };
}

/** The answer to a repeated request: what the first one created, read under its workspace. */
async function replay(
  deps: Pick<TenancyDeps, 'pool' | 'workspaces' | 'invitations'>,
  organization: OrganizationRow,
): Promise<Response> {
  return withTenant(deps.pool, organization.first_workspace_id, async (client) => {
    const workspace = await deps.workspaces.get(client);
    if (workspace === undefined) throw new Error('a provisioned organization has no first workspace');
    const invitation = await deps.invitations.firstProvisioned(client);
    return {
      organization: organizationView(organization),
      workspace: workspaceView(workspace),
      ...(invitation === undefined ? {} : { ownerInvitation: invitationView(invitation) }),
      ownerInvitationToken: '',
      replayed: true,
    };
  });
}

/**
 * What the request asks for, its shapes already checked by the proto's rules (slug pattern,
 * name length, plan, seats, email). The first workspace takes the organization's name and
 * slug when the request leaves them empty; emails are kept lower-case.
 */
function provisioningOf(request: CreateOrganizationRequest): Provisioning {
  const plan = plans.get(request.plan);
  const status = statuses.get(request.status);
  // Narrowing only: the rules admit no plan or status outside these maps.
  if (plan === undefined) throw invalidField('plan', 'must be free, starter, growth or enterprise');
  if (status === undefined) throw invalidField('status', 'must be active or suspended');
  return {
    slug: request.slug,
    name: request.name,
    plan,
    seats: request.seats,
    status,
    workspaceName: request.workspaceName === '' ? request.name : request.workspaceName,
    workspaceSlug: request.workspaceSlug === '' ? request.slug : request.workspaceSlug,
    ownerEmail: request.ownerEmail.toLowerCase(),
  };
}

function organizationView(row: OrganizationRow): Response['organization'] {
  return {
    id: row.organization_id,
    slug: row.slug,
    name: row.name,
    plan: planProtos.get(row.plan) ?? Plan.UNSPECIFIED,
    seats: row.seats,
    status: row.status === 'active' ? OrganizationStatus.ACTIVE : OrganizationStatus.SUSPENDED,
    createdAt: timestampFromDate(row.created_at),
  };
}
