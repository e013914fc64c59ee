import { createHash, randomBytes } from 'node:crypto';
import { operatorTokenPrefix } from './credential-prefixes.js';

/** SHA-256 (hex) of an operator token: what the tenancy service is configured with (OPERATOR_TOKEN_SHA256). */
export function operatorTokenSha256(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new operator token (its prefix and 32 random bytes) and its SHA-256. */
export function generateOperatorToken(): { token: string; sha256: string } {
  const token = `${operatorTokenPrefix}${randomBytes(32).toString('base64url')}`;
  return { token, sha256: operatorTokenSha256(token) };
}
