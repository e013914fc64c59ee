import { uuidv7 } from 'uuidv7';
import type { TenantClient } from '@causeloop/platform/db';
import { roleScopes, type RoleName } from '@causeloop/platform/identity';
import { hashApiToken } from './api-token.js';
import { refreshTokenSecret } from './derived-keys.js';
import type { HandlerDeps } from './handlers/handler-deps.js';

/** What ExchangeToken and RefreshToken answer (both messages have these fields). */
export interface SessionTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly tokenType: 'bearer';
  readonly expiresIn: number;
  readonly scope: string;
  readonly workspaceId: string;
}

export interface SessionSubject {
  readonly workspaceId: string;
  readonly userId: string;
  readonly role: RoleName;
  readonly displayName: string | undefined;
}

/** A new refresh token row in `familyId` (inside withTenant); returns its id and secret. */
export async function insertRefreshToken(
  deps: HandlerDeps,
  client: TenantClient,
  options: { userId: string; familyId: string },
): Promise<{ id: string; secret: string }> {
  const id = uuidv7();
  const secret = refreshTokenSecret(deps.keys, id);
  await deps.refreshTokens.insert(client, {
    id,
    familyId: options.familyId,
    userId: options.userId,
    tokenHash: hashApiToken(secret),
    expiresAt: new Date(Date.now() + deps.refreshTokenTtlSeconds * 1000),
  });
  return { id, secret };
}

/** An access token carrying the role's scopes, beside the given refresh token. */
export async function sessionTokens(deps: HandlerDeps, subject: SessionSubject, refreshToken: string): Promise<SessionTokens> {
  const scopes = roleScopes[subject.role];
  const { token, expiresAt } = await deps.accessTokens.issue({
    subjectId: subject.userId,
    workspaceId: subject.workspaceId,
    role: subject.role,
    scopes,
    ...(subject.displayName === undefined ? {} : { displayName: subject.displayName }),
  });
  return {
    accessToken: token,
    refreshToken,
    tokenType: 'bearer',
    expiresIn: Math.max(0, Math.round((expiresAt.getTime() - Date.now()) / 1000)),
    scope: scopes.join(' '),
    workspaceId: subject.workspaceId,
  };
}
