import type { GovernanceService } from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import { withTenant } from '@causeloop/platform/db';
import { notFound } from '@causeloop/platform/errors';
import { ownWorkspace, type ScopedHandler } from '@causeloop/platform/identity';
import type { TenancyDeps } from '../deps.js';
import { erasureRequestView } from './views.js';

/** GetErasureRequest: its state and, once completed, the signed certificate. */
export function getErasureRequest(
  deps: Pick<TenancyDeps, 'pool' | 'erasureRequests'>,
): ScopedHandler<typeof GovernanceService, 'getErasureRequest'> {
  return async (request, { principal }) => {
    const workspaceId = ownWorkspace(principal, request.workspaceId);
    const id = request.requestId;
    const row = await withTenant(deps.pool, workspaceId, (client) => deps.erasureRequests.get(client, id));
    if (row === undefined) throw notFound('erasure request');
    return { request: erasureRequestView(row) };
  };
}
