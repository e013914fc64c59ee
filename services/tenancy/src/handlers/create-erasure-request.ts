import { GovernanceService } from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import { uuidv7 } from 'uuidv7';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { isUniqueViolation } from '@causeloop/platform/db';
import { CauseloopError, notFound } from '@causeloop/platform/errors';
import { withIdempotentMutation } from '@causeloop/platform/idempotency';
import { ownWorkspace, type ScopedHandler } from '@causeloop/platform/identity';
import type { TenancyDeps } from '../deps.js';
import { personOf } from './handler-support.js';
import { erasureRequestView } from './views.js';

/** CreateErasureRequest: a pending request to forget a member; a second admin decides it. */
export function createErasureRequest(
  deps: Pick<TenancyDeps, 'pool' | 'erasureRequests'>,
): ScopedHandler<typeof GovernanceService, 'createErasureRequest'> {
  return async (request, context) => {
    ownWorkspace(context.principal, request.workspaceId);
    const requestedBy = personOf(context.principal);
    // A UUID, by the proto's rules; whether it names a member is the database's to say.
    const subjectId = request.subjectId;
    const mutation = { method: GovernanceService.method.createErasureRequest, request };
    try {
      return await withIdempotentMutation(deps.pool, context, mutation, async (client) => {
        if (!(await deps.erasureRequests.isMember(client, subjectId))) throw notFound('subject');
        const created = await deps.erasureRequests.create(client, { id: uuidv7(), subjectId, requestedBy });
        await appendAuditEntry(client, {
          ...auditActor(context),
          action: 'erasure.requested',
          targetType: 'erasure_request',
          targetId: created.id,
          after: { subject_id: subjectId },
        });
        return { request: erasureRequestView(created) };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new CauseloopError('already_exists', 'a pending erasure request for this subject exists');
      throw error;
    }
  };
}
