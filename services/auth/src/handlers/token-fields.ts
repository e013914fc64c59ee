import { TokenKind, type Principal } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import { CauseloopError } from '@causeloop/platform/errors';
import {
  apiTokenDisplayPrefix,
  generateApiToken,
  hashApiToken,
  roleFromProto,
  roleToProto,
  scopesBeyond,
  type ApiTokenKind,
  type RoleName,
} from '@causeloop/platform/identity';
import { canonicalUuid } from '@causeloop/platform/ids';
import { invalidField } from '../errors.js';
import type { ApiTokenRow } from '../stores/api-token-store.js';
import type { ServiceAccountRow } from '../stores/service-account-store.js';
import { fromTimestamp, optionalTimestamp, toTimestamp } from '../timestamps.js';


/** An ApiToken message (never the secret or its hash). */
export function apiTokenView(row: ApiTokenRow) {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes,
    displayPrefix: row.display_prefix,
    createdAt: toTimestamp(row.created_at),
    expiresAt: optionalTimestamp(row.expires_at),
    lastUsedAt: optionalTimestamp(row.last_used_at),
    revokedAt: optionalTimestamp(row.revoked_at),
  };
}

export function serviceAccountView(row: ServiceAccountRow) {
  return { id: row.id, name: row.name, role: roleToProto(row.role), createdAt: toTimestamp(row.created_at) };
}

/** 1–100 characters after trimming. */
export function tokenName(field: string, name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 100) throw invalidField(field, 'must be 1-100 characters');
  return trimmed;
}

/** Optional; when set, in the future. */
export function tokenExpiry(expiresAt: Timestamp | undefined): Date | undefined {
  if (expiresAt === undefined) return undefined;
  const date = fromTimestamp(expiresAt);
  if (date.getTime() <= Date.now()) throw invalidField('expires_at', 'must be in the future');
  return date;
}

/**
 * Requested scopes: at least one, no duplicates, and none beyond `held` (unknown names
 * count as beyond) → `insufficient_scope`: nobody makes a token above their own scopes.
 */
export function tokenScopes(requested: readonly string[], held: readonly string[]): string[] {
  if (requested.length === 0) throw invalidField('scopes', 'must name at least one scope');
  const beyond = scopesBeyond(requested, held);
  if (beyond.length > 0) {
    throw new CauseloopError('insufficient_scope', `cannot grant scopes beyond your own: ${beyond.join(', ')}`);
  }
  return [...new Set(requested)];
}

/** The caller's role; a principal without one never reaches a handler in practice. */
export function callerRole(principal: Principal): RoleName {
  const role = roleFromProto(principal.role);
  if (role === undefined) throw new CauseloopError('permission_denied', 'the caller has no role');
  return role;
}

/** Personal access tokens belong to people: a service-account principal cannot hold one. */
export function callerUserId(principal: Principal): string {
  if (principal.tokenKind === TokenKind.SERVICE_ACCOUNT) {
    throw new CauseloopError('permission_denied', 'service accounts cannot manage personal access tokens');
  }
  return principal.subjectId;
}

export function tokenId(field: string, value: string): string {
  const canonical = canonicalUuid(value);
  if (canonical === undefined) throw invalidField(field, 'must be a UUID');
  return canonical;
}

/** A fresh token secret (shown once) with what is stored of it: its hash and display prefix. */
export function newTokenSecret(kind: ApiTokenKind): { secret: string; tokenHash: Buffer; displayPrefix: string } {
  const secret = generateApiToken(kind);
  return { secret, tokenHash: hashApiToken(secret), displayPrefix: apiTokenDisplayPrefix(secret) };
}
