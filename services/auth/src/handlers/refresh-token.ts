import { withTenant } from '@causeloop/platform/db';
import { hashApiToken } from '../api-token.js';
import { refreshTokenSecret } from '../derived-keys.js';
import { invalidCredentials } from '../errors.js';
import { countAuthentication, type AuthenticationOutcome } from '../metrics.js';
import { insertRefreshToken, sessionTokens, type SessionSubject } from '../session.js';
import type { AuthServiceImpl, HandlerDeps } from './handler-deps.js';

type Outcome =
  | { readonly ok: true; readonly subject: SessionSubject; readonly secret: string }
  | { readonly ok: false; readonly outcome: AuthenticationOutcome };

/**
 * RefreshToken: rotate on every use. The presented token is marked used with its
 * successor recorded. Presented again within REFRESH_REUSE_GRACE_SECONDS (two tabs
 * refreshing at once) it yields the *same* successor, recomputed from its id; later, or
 * once the successor itself is spent, it is treated as stolen: the whole family is revoked
 * (committed) and the call is unauthenticated.
 *
 * Records no Idempotency-Key answer: the route is public, and the gateway refuses a key on
 * a route with no principal to scope it to (400), so none ever arrives here.
 */
export function refreshToken(deps: HandlerDeps): AuthServiceImpl['refreshToken'] {
  return async (request, context) => {
    const presented = request.refreshToken;
    const found = presented === '' ? undefined : await deps.refreshTokens.findByHash({ tokenHash: hashApiToken(presented) });
    if (found === undefined) return refuse('not_found');

    const result = await withTenant(deps.pool, found.workspaceId, async (client): Promise<Outcome> => {
      const row = await deps.refreshTokens.getForUpdate(client, { id: found.tokenId });
      if (row === undefined) return { ok: false, outcome: 'not_found' };
      if (row.revoked_at !== null) return { ok: false, outcome: 'revoked' };
      if (row.expires_at.getTime() <= Date.now()) return { ok: false, outcome: 'expired' };
      const role = await deps.memberships.activeRole(client, { userId: row.user_id });
      if (role === undefined) return { ok: false, outcome: 'inactive' };
      const displayName = await deps.users.memberDisplayName(client, { userId: row.user_id });
      const subject: SessionSubject = { workspaceId: found.workspaceId, userId: row.user_id, role, displayName };

      if (row.used_at !== null) {
        const withinGrace = Date.now() - row.used_at.getTime() <= deps.refreshReuseGraceSeconds * 1000;
        const successor = row.replaced_by === null ? undefined : await deps.refreshTokens.get(client, { id: row.replaced_by });
        if (withinGrace && successor !== undefined && successor.used_at === null && successor.revoked_at === null) {
          return { ok: true, subject, secret: refreshTokenSecret(deps.keys, successor.id) };
        }
        await deps.refreshTokens.revokeFamily(client, { familyId: row.family_id });
        context.logger.warn({ workspace_id: found.workspaceId }, 'spent refresh token presented again: family revoked');
        return { ok: false, outcome: 'reused' };
      }

      const next = await insertRefreshToken(deps, client, { userId: row.user_id, familyId: row.family_id });
      await deps.refreshTokens.markUsed(client, { id: row.id, replacedBy: next.id });
      return { ok: true, subject, secret: next.secret };
    });
    if (!result.ok) return refuse(result.outcome);
    countAuthentication(deps.metrics, 'refresh', 'ok');
    return sessionTokens(deps, result.subject, result.secret);
  };

  function refuse(outcome: AuthenticationOutcome): never {
    countAuthentication(deps.metrics, 'refresh', outcome);
    throw invalidCredentials();
  }
}
