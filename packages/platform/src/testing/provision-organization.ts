import { randomBytes } from 'node:crypto';
import {
  Plan,
  type CreateOrganizationRequest,
  type CreateOrganizationResponse,
  type ProvisioningService,
} from '@causeloop/proto/causeloop/tenancy/v1/provisioning_pb.js';
import type { GrpcClient } from '../grpc-client/create-base-grpc-client.js';
import { bearer } from './gateway-requests.js';

/** Fields of a provisioning request a test sets; the rest get working defaults. */
export type ProvisionOverrides = Partial<Pick<CreateOrganizationRequest, 'slug' | 'name' | 'plan' | 'seats' | 'ownerEmail'>>;

/**
 * Provisions an organization through tenancy's real ProvisioningService with an operator
 * token: slug `org-<random>` unless given, owner `owner@<slug>.example`, a starter plan of
 * 10 seats. The answer carries the workspace and the owner's invitation token.
 */
export function provisionOrganization(
  provisioning: GrpcClient<typeof ProvisioningService>,
  operatorToken: string,
  overrides: ProvisionOverrides = {},
): Promise<CreateOrganizationResponse> {
  const slug = overrides.slug ?? `org-${randomBytes(4).toString('hex')}`;
  return provisioning.createOrganization(
    { name: `Org ${slug}`, plan: Plan.STARTER, seats: 10, ownerEmail: `owner@${slug}.example`, ...overrides, slug },
    { metadata: bearer(operatorToken) },
  );
}
