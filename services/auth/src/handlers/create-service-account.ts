import { TokenKind } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { uuidv7 } from 'uuidv7';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { CauseloopError } from '@causeloop/platform/errors';
import { roleFromProto, roleRank } from '@causeloop/platform/identity';
import { invalidField, isUniqueViolation } from '../errors.js';
import type { HandlerDeps, ScopedHandler } from './handler-deps.js';
import { callerRole, serviceAccountView, tokenName } from './token-fields.js';

/** CreateServiceAccount: a workspace principal whose role is at most the caller's. */
export function createServiceAccount(deps: HandlerDeps): ScopedHandler<'createServiceAccount'> {
  return async (request, { principal }) => {
    const name = tokenName('name', request.name);
    const role = roleFromProto(request.role);
    if (role === undefined) throw invalidField('role', 'must be owner, admin, analyst or viewer');
    if (roleRank(role) > roleRank(callerRole(principal))) {
      throw new CauseloopError('permission_denied', 'cannot create a service account with a role above your own');
    }
    const createdBy = principal.tokenKind === TokenKind.SERVICE_ACCOUNT ? undefined : principal.subjectId;
    try {
      const row = await withTenant(deps.pool, principal.workspaceId, async (client) => {
        const created = await deps.serviceAccounts.insert(client, { id: uuidv7(), name, role, createdBy });
        await appendAuditEntry(client, {
          ...auditActor(principal),
          action: 'service_account.created',
          targetType: 'service_account',
          targetId: created.id,
          after: { name, role },
        });
        return created;
      });
      deps.metrics.tokenOperations.inc({ operation: 'service_account_created' });
      return { serviceAccount: serviceAccountView(row) };
    } catch (error) {
      if (isUniqueViolation(error)) throw new CauseloopError('already_exists', 'a service account with this name exists');
      throw error;
    }
  };
}
