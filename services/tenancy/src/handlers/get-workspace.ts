import type { WorkspaceService } from '@causeloop/proto/causeloop/tenancy/v1/workspaces_pb.js';
import { withTenant } from '@causeloop/platform/db';
import { notFound } from '@causeloop/platform/errors';
import { ownWorkspace, type ScopedHandler } from '@causeloop/platform/identity';
import type { TenancyDeps } from '../deps.js';
import { workspaceView } from './views.js';

export function getWorkspace(
  deps: Pick<TenancyDeps, 'pool' | 'workspaces'>,
): ScopedHandler<typeof WorkspaceService, 'getWorkspace'> {
  return async (request, { principal }) => {
    const workspaceId = ownWorkspace(principal, request.workspaceId);
    const row = await withTenant(deps.pool, workspaceId, (client) => deps.workspaces.get(client));
    if (row === undefined) throw notFound('workspace');
    return { workspace: workspaceView(row) };
  };
}
