import { createHash } from 'node:crypto';
import {
  OrganizationStatus,
  Plan,
  type CreateOrganizationRequest,
  type ProvisioningService,
} from '@causeloop/proto/causeloop/tenancy/v1/provisioning_pb.js';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { CreateOrganizationResponseSchema } from '@causeloop/proto/causeloop/tenancy/v1/provisioning_pb.js';
import { uuidv7 } from 'uuidv7';
import { appendAuditEntry } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { CauseloopError } from '@causeloop/platform/errors';
import type { TenancyDeps } from '../deps.js';
import { invalidFields } from '../errors.js';
import { emailProblem, nameProblem, slugProblem, violationsOf } from '../field-rules.js';
import { generateInvitationToken, hashInvitationToken, invitationTtlMs } from '../invitation-token.js';
import { requireOperator } from '../operator-auth.js';
import type { InvitationStore } from '../stores/invitation-store.js';
import type { OrganizationRow, OrganizationStatusName, OrganizationStore, PlanName } from '../stores/organization-store.js';
import type { WorkspaceStore } from '../stores/workspace-store.js';
import { toTimestamp } from '../timestamps.js';
import type { OpenHandler } from './handler-support.js';
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
const operatorActor = { actorName: 'platform operator' };

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
 * no secret), a different request for a taken slug is `already_exists`.
 */
export function createOrganization(
  deps: TenancyDeps,
  stores: { organizations: OrganizationStore; workspaces: WorkspaceStore; invitations: InvitationStore },
): OpenHandler<typeof ProvisioningService, 'createOrganization'> {
  return async (request, context) => {
    requireOperator(context.metadata, deps.operatorTokenHashes);
    const wanted = validated(request);
    const fingerprint = createHash('sha256').update(JSON.stringify(wanted)).digest();
    const organizationId = uuidv7();
    const workspaceId = uuidv7();
    const token = generateInvitationToken(workspaceId);

    const outcome = await withTenant(deps.pool, workspaceId, async (client): Promise<Response | OrganizationRow> => {
      const holder = await stores.organizations.claim(client, {
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
      const workspace = await stores.workspaces.insert(client, {
        id: workspaceId,
        organizationId,
        name: wanted.workspaceName,
        slug: wanted.workspaceSlug,
      });
      await deps.envelope.ensureDataKey(client, workspaceId);
      const invitation = await stores.invitations.replacePending(client, {
        id: uuidv7(),
        email: wanted.ownerEmail,
        role: 'owner',
        tokenHash: hashInvitationToken(token),
        invitedBy: undefined,
        expiresAt: new Date(deps.clock().getTime() + invitationTtlMs),
      });
      await appendAuditEntry(client, {
        ...operatorActor,
        action: 'organization.created',
        targetType: 'organization',
        targetId: organizationId,
        after: { ...wanted, workspace_id: workspaceId },
      });
      await appendAuditEntry(client, {
        ...operatorActor,
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
    return replay(deps, stores, outcome);
  };
}

/** The answer to a repeated request: what the first one created, read under its workspace. */
async function replay(
  deps: TenancyDeps,
  stores: { workspaces: WorkspaceStore; invitations: InvitationStore },
  organization: OrganizationRow,
): Promise<Response> {
  return withTenant(deps.pool, organization.first_workspace_id, async (client) => {
    const workspace = await stores.workspaces.get(client);
    if (workspace === undefined) throw new Error('a provisioned organization has no first workspace');
    const invitation = await stores.invitations.firstProvisioned(client);
    return {
      organization: organizationView(organization),
      workspace: workspaceView(workspace),
      ...(invitation === undefined ? {} : { ownerInvitation: invitationView(invitation) }),
      ownerInvitationToken: '',
      replayed: true,
    };
  });
}

function validated(request: CreateOrganizationRequest): Provisioning {
  const name = request.name.trim();
  const workspaceName = request.workspaceName.trim() === '' ? name : request.workspaceName.trim();
  const workspaceSlug = request.workspaceSlug === '' ? request.slug : request.workspaceSlug;
  const ownerEmail = request.ownerEmail.trim().toLowerCase();
  const plan = plans.get(request.plan);
  const status = statuses.get(request.status);
  const violations = violationsOf([
    ['slug', slugProblem(request.slug)],
    ['name', nameProblem(name)],
    ['plan', plan === undefined ? 'must be free, starter, growth or enterprise' : undefined],
    ['seats', request.seats >= 1 && request.seats <= 100_000 ? undefined : 'must be from 1 to 100000'],
    ['status', status === undefined ? 'must be active or suspended' : undefined],
    ['workspace_name', nameProblem(workspaceName)],
    ['workspace_slug', slugProblem(workspaceSlug)],
    ['owner_email', emailProblem(ownerEmail)],
  ]);
  if (violations.length > 0 || plan === undefined || status === undefined) throw invalidFields(violations);
  return { slug: request.slug, name, plan, seats: request.seats, status, workspaceName, workspaceSlug, ownerEmail };
}

function organizationView(row: OrganizationRow): Response['organization'] {
  return {
    id: row.organization_id,
    slug: row.slug,
    name: row.name,
    plan: planProtos.get(row.plan) ?? Plan.UNSPECIFIED,
    seats: row.seats,
    status: row.status === 'active' ? OrganizationStatus.ACTIVE : OrganizationStatus.SUSPENDED,
    createdAt: toTimestamp(row.created_at),
  };
}
