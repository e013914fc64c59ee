import type { GovernanceService } from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import { ownWorkspace, type ScopedHandler } from '@causeloop/platform/identity';
import type { TenancyDeps } from '../deps.js';

/** GetCertificateSigningKey: the public key erasure certificates verify against. */
export function getCertificateSigningKey(
  deps: Pick<TenancyDeps, 'signingKey'>,
): ScopedHandler<typeof GovernanceService, 'getCertificateSigningKey'> {
  return async (request, { principal }) => {
    ownWorkspace(principal, request.workspaceId);
    return { algorithm: 'Ed25519', publicKeyPem: deps.signingKey.publicKeyPem, keyId: deps.signingKey.keyId };
  };
}
