import { createHash, randomBytes } from 'node:crypto';

// Invitation tokens: `clp_inv_`, the workspace id as 32 hex digits, then 32 random bytes
// in base64url. The workspace id is no secret; carrying it lets AcceptInvitation look the
// invitation up inside that workspace under RLS, with no cross-tenant lookup by hash.

const prefix = 'clp_inv_';
const shape = /^clp_inv_([0-9a-f]{32})([A-Za-z0-9_-]{43})$/;

export function generateInvitationToken(workspaceId: string): string {
  return prefix + workspaceId.replaceAll('-', '').toLowerCase() + randomBytes(32).toString('base64url');
}

/** The workspace an invitation token belongs to, or undefined when its shape is wrong (no database touched). */
export function invitationTokenWorkspace(token: string): string | undefined {
  const hex = shape.exec(token)?.[1];
  if (hex === undefined) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function hashInvitationToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Invitations expire after seven days (issue #6). */
export const invitationTtlMs = 7 * 86_400_000;
