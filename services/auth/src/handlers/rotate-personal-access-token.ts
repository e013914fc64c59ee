import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { notFound } from '@causeloop/platform/errors';
import { withIdempotentMutation } from '@causeloop/platform/idempotency';
import type { HandlerDeps, ScopedHandler } from './handler-deps.js';
import { apiTokenView, callerUserId, canonicalId, newTokenSecret } from './token-fields.js';

/** RotatePersonalAccessToken: a new secret for a live token; the old hash is overwritten. */
export function rotatePersonalAccessToken(deps: HandlerDeps): ScopedHandler<'rotatePersonalAccessToken'> {
  return async (request, context) => {
    const userId = callerUserId(context.principal);
    const id = canonicalId(request.tokenId);
    const { secret, tokenHash, displayPrefix } = newTokenSecret('personal_access');
    const mutation = { method: AuthService.method.rotatePersonalAccessToken, request };
    const response = await withIdempotentMutation(deps.pool, context, mutation, async (client) => {
      const rotated = await deps.apiTokens.replaceSecret(client, {
        id,
        owner: { userId },
        tokenHash,
        displayPrefix,
      });
      if (rotated === undefined) throw notFound('live token');
      await appendAuditEntry(client, {
        ...auditActor(context),
        action: 'token.rotated',
        targetType: 'personal_access_token',
        targetId: id,
      });
      return { token: apiTokenView(rotated), secret };
    });
    deps.metrics.tokenOperations.inc({ operation: 'pat_rotated' });
    return response;
  };
}
