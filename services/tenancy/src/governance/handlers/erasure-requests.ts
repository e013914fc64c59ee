import { TokenKind } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { uuidv7 } from 'uuidv7';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { CauseloopError } from '@causeloop/platform/errors';
import type { PrincipalCallContext } from '@causeloop/platform/identity';
import { isUuid } from '@causeloop/platform/ids';
import { callerWorkspace } from '../../audit/caller-workspace.js';
import { signErasureCertificate } from '../erasure-certificate.js';
import type { GovernanceHandlerDeps, ScopedHandler } from '../governance-deps.js';
import { erasureRequestView } from '../views.js';

function requestId(value: string): string {
  if (!isUuid(value)) throw new CauseloopError('not_found', 'erasure request not found');
  return value;
}

/** Erasure is a decision by people: service accounts neither request nor decide it. */
function personOf(context: PrincipalCallContext): string {
  if (context.principal.tokenKind === TokenKind.SERVICE_ACCOUNT) {
    throw new CauseloopError('permission_denied', 'erasure requests are made and decided by people, not service accounts');
  }
  return context.principal.subjectId;
}

const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === '23505';

/** PostgreSQL errors the erasure function raises on purpose, as API errors. */
function erasureRefusal(error: unknown): CauseloopError | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') return undefined;
  if (code === '55000') return new CauseloopError('unprocessable', `cannot erase: ${message}`);
  if (code === '42501' && !message.includes('permission denied')) return new CauseloopError('permission_denied', message);
  return undefined;
}

/** CreateErasureRequest: a pending request to forget a member; a second admin decides it. */
export function createErasureRequest(deps: GovernanceHandlerDeps): ScopedHandler<'createErasureRequest'> {
  return async (request, context) => {
    const workspaceId = callerWorkspace(context, request.workspaceId);
    const requestedBy = personOf(context);
    if (!isUuid(request.subjectId)) {
      throw new CauseloopError('invalid_argument', 'subject_id must be a user id', {
        violations: [{ field: 'subject_id', description: 'must be a UUID' }],
      });
    }
    const subjectId = request.subjectId;
    try {
      const row = await withTenant(deps.pool, workspaceId, async (client) => {
        if (!(await deps.erasureRequests.isMember(client, subjectId))) throw new CauseloopError('not_found', 'subject not found');
        const created = await deps.erasureRequests.create(client, { id: uuidv7(), subjectId, requestedBy });
        await appendAuditEntry(client, {
          ...auditActor(context.principal),
          action: 'erasure.requested',
          targetType: 'erasure_request',
          targetId: created.id,
          after: { subject_id: subjectId },
        });
        return created;
      });
      return { request: erasureRequestView(row) };
    } catch (error) {
      if (isUniqueViolation(error)) throw new CauseloopError('already_exists', 'a pending erasure request for this subject exists');
      throw error;
    }
  };
}

export function getErasureRequest(deps: GovernanceHandlerDeps): ScopedHandler<'getErasureRequest'> {
  return async (request, context) => {
    const workspaceId = callerWorkspace(context, request.workspaceId);
    const id = requestId(request.requestId);
    const row = await withTenant(deps.pool, workspaceId, (client) => deps.erasureRequests.get(client, id));
    if (row === undefined) throw new CauseloopError('not_found', 'erasure request not found');
    return { request: erasureRequestView(row) };
  };
}

/**
 * ApproveErasureRequest: by someone other than the requester; executes the erasure and
 * signs the certificate in one transaction, so a failure leaves the request pending and
 * nothing erased.
 */
export function approveErasureRequest(deps: GovernanceHandlerDeps): ScopedHandler<'approveErasureRequest'> {
  return async (request, context) => {
    const workspaceId = callerWorkspace(context, request.workspaceId);
    const approver = personOf(context);
    const id = requestId(request.requestId);
    try {
      const row = await withTenant(deps.pool, workspaceId, async (client) => {
        const pending = await deps.erasureRequests.get(client, id, { forUpdate: true });
        if (pending === undefined) throw new CauseloopError('not_found', 'erasure request not found');
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
          ...auditActor(context.principal),
          action: 'erasure.completed',
          targetType: 'erasure_request',
          targetId: id,
          after: { subject_id: pending.subject_id, counts },
        });
        return stored;
      });
      return { request: erasureRequestView(row) };
    } catch (error) {
      throw erasureRefusal(error) ?? error;
    }
  };
}

/** RejectErasureRequest: closes a pending request (the requester may withdraw their own). */
export function rejectErasureRequest(deps: GovernanceHandlerDeps): ScopedHandler<'rejectErasureRequest'> {
  return async (request, context) => {
    const workspaceId = callerWorkspace(context, request.workspaceId);
    const decidedBy = personOf(context);
    const id = requestId(request.requestId);
    const row = await withTenant(deps.pool, workspaceId, async (client) => {
      const existing = await deps.erasureRequests.get(client, id, { forUpdate: true });
      if (existing === undefined) throw new CauseloopError('not_found', 'erasure request not found');
      const rejected = await deps.erasureRequests.reject(client, id, decidedBy);
      if (rejected === undefined) throw new CauseloopError('unprocessable', `the erasure request is already ${existing.status}`);
      await appendAuditEntry(client, {
        ...auditActor(context.principal),
        action: 'erasure.rejected',
        targetType: 'erasure_request',
        targetId: id,
        after: { subject_id: existing.subject_id },
      });
      return rejected;
    });
    return { request: erasureRequestView(row) };
  };
}

export function getCertificateSigningKey(deps: GovernanceHandlerDeps): ScopedHandler<'getCertificateSigningKey'> {
  return async (request, context) => {
    callerWorkspace(context, request.workspaceId);
    return { algorithm: 'Ed25519', publicKeyPem: deps.signingKey.publicKeyPem, keyId: deps.signingKey.keyId };
  };
}
