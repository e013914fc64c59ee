import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { TokenKind } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { uuidv7 } from 'uuidv7';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { isUniqueViolation } from '@causeloop/platform/db';
import { CauseloopError, invalidField } from '@causeloop/platform/errors';
import { callerRole, roleFromProto, roleRank } from '@causeloop/platform/identity';
import { withIdempotentMutation } from '@causeloop/platform/idempotency';
import type { HandlerDeps, ScopedHandler } from './handler-deps.js';
import { serviceAccountView } from './token-fields.js';

/** CreateServiceAccount: a workspace principal whose role is at most the caller's. */
export function createServiceAccount(deps: HandlerDeps): ScopedHandler<'createServiceAccount'> {
  return async (request, context) => {
    const { principal } = context;
    const { name } = request;
    const role = roleFromProto(request.role);
    if (role === undefined) throw invalidField('role', 'must be owner, admin, analyst or viewer');
    if (roleRank(role) > roleRank(callerRole(principal))) {
      throw new CauseloopError('permission_denied', 'cannot create a service account with a role above your own');
    }
    const createdBy = principal.tokenKind === TokenKind.SERVICE_ACCOUNT ? undefined : principal.subjectId;
    const mutation = { method: AuthService.method.createServiceAccount, request };
    try {
      const response = await withIdempotentMutation(deps.pool, context, mutation, async (client) => {
        const created = await deps.serviceAccounts.insert(client, { id: uuidv7(), name, role, createdBy });
        await appendAuditEntry(client, {
          ...auditActor(context),
          action: 'service_account.created',
          targetType: 'service_account',
          targetId: created.id,
          after: { name, role },
        });
        return { serviceAccount: serviceAccountView(created) };
      });
      deps.metrics.tokenOperations.inc({ operation: 'service_account_created' });
      return response;
    } catch (error) {
      if (isUniqueViolation(error)) throw new CauseloopError('already_exists', 'a service account with this name exists');
      throw error;
    }
  };
}
