import { GovernanceService } from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { CauseloopError, notFound } from '@causeloop/platform/errors';
import { withIdempotentMutation } from '@causeloop/platform/idempotency';
import { ownWorkspace, type ScopedHandler } from '@causeloop/platform/identity';
import { signErasureCertificate } from '../certificates/erasure-certificate.js';
import type { TenancyDeps } from '../deps.js';
import { erasureRefusal } from '../errors.js';
import { personOf } from './handler-support.js';
import { erasureRequestView } from './views.js';

/**
 * ApproveErasureRequest: by someone other than the requester; executes the erasure and
 * signs the certificate in one transaction, so a failure leaves the request pending and
 * nothing erased.
 */
export function approveErasureRequest(
  deps: Pick<TenancyDeps, 'pool' | 'erasureRequests' | 'signingKey'>,
): ScopedHandler<typeof GovernanceService, 'approveErasureRequest'> {
  return async (request, context) => {
    const workspaceId = ownWorkspace(context.principal, request.workspaceId);
    const approver = personOf(context.principal);
    const id = request.requestId;
    const mutation = { method: GovernanceService.method.approveErasureRequest, request };
    try {
      return await withIdempotentMutation(deps.pool, context, mutation, async (client) => {
        const pending = await deps.erasureRequests.get(client, id, { forUpdate: true });
        if (pending === undefined) throw notFound('erasure request');
        if (pending.status !== 'pending') throw new CauseloopError('unprocessable', `the erasure request is already ${pending.status}`);
        if (pending.requested_by === approver) {
          throw new CauseloopError('permission_denied', 'the requester cannot approve their own erasure request');
        }
        const counts = await deps.erasureRequests.erase(client, id, approver);
        const completed = await deps.erasureRequests.get(client, id);
        const certificate = signErasureCertificate(deps.signingKey, {
          requestId: id,
          workspaceId,
          subjectId: pending.subject_id,
          requestedBy: pending.requested_by,
          approvedBy: approver,
          requestedAt: pending.created_at,
          completedAt: completed!.decided_at!,
          counts,
        });
        const stored = await deps.erasureRequests.attachCertificate(client, id, certificate);
        await appendAuditEntry(client, {
          ...auditActor(context),
          action: 'erasure.completed',
          targetType: 'erasure_request',
          targetId: id,
          after: { subject_id: pending.subject_id, counts },
        });
        return { request: erasureRequestView(stored) };
      });
    } catch (error) {
      throw erasureRefusal(error) ?? error;
    }
  };
}
