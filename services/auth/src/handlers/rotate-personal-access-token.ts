import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { notFound } from '../errors.js';
import type { HandlerDeps, ScopedHandler } from './handler-deps.js';
import { apiTokenView, callerUserId, newTokenSecret, tokenId } from './token-fields.js';

/** RotatePersonalAccessToken: a new secret for a live token; the old hash is overwritten. */
export function rotatePersonalAccessToken(deps: HandlerDeps): ScopedHandler<'rotatePersonalAccessToken'> {
  return async (request, { principal }) => {
    const userId = callerUserId(principal);
    const id = tokenId('token_id', request.tokenId);
    const { secret, tokenHash, displayPrefix } = newTokenSecret('personal_access');
    const row = await withTenant(deps.pool, principal.workspaceId, async (client) => {
      const rotated = await deps.apiTokens.replaceSecret(client, {
        id,
        owner: { userId },
        tokenHash,
        displayPrefix,
      });
      if (rotated !== undefined) {
        await appendAuditEntry(client, {
          ...auditActor(principal),
          action: 'token.rotated',
          targetType: 'personal_access_token',
          targetId: id,
        });
      }
      return rotated;
    });
    if (row === undefined) throw notFound('live token');
    deps.metrics.tokenOperations.inc({ operation: 'pat_rotated' });
    return { token: apiTokenView(row), secret };
  };
}
