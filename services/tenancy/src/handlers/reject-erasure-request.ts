import { GovernanceService } from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { CauseloopError, notFound } from '@causeloop/platform/errors';
import { withIdempotentMutation } from '@causeloop/platform/idempotency';
import { ownWorkspace, type ScopedHandler } from '@causeloop/platform/identity';
import type { TenancyDeps } from '../deps.js';
import { personOf } from './handler-support.js';
import { erasureRequestView } from './views.js';

/** RejectErasureRequest: closes a pending request (the requester may withdraw their own). */
export function rejectErasureRequest(
  deps: Pick<TenancyDeps, 'pool' | 'erasureRequests'>,
): ScopedHandler<typeof GovernanceService, 'rejectErasureRequest'> {
  return async (request, context) => {
    ownWorkspace(context.principal, request.workspaceId);
    const decidedBy = personOf(context.principal);
    const id = request.requestId;
    const mutation = { method: GovernanceService.method.rejectErasureRequest, request };
    return withIdempotentMutation(deps.pool, context, mutation, async (client) => {
      const existing = await deps.erasureRequests.get(client, id, { forUpdate: true });
      if (existing === undefined) throw notFound('erasure request');
      const rejected = await deps.erasureRequests.reject(client, id, decidedBy);
      if (rejected === undefined) throw new CauseloopError('unprocessable', `the erasure request is already ${existing.status}`);
      await appendAuditEntry(client, {
        ...auditActor(context),
        action: 'erasure.rejected',
        targetType: 'erasure_request',
        targetId: id,
        after: { subject_id: existing.subject_id },
      });
      return { request: erasureRequestView(rejected) };
    });
  };
}
