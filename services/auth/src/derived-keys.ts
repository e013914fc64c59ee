import { createHmac, hkdfSync } from 'node:crypto';

/**
 * Keys derived from JWT_SECRET with HKDF, one per purpose, so no key serves two uses:
 * refresh-token secrets and list cursors (signed with the platform's `encodeCursor`). Rotating JWT_SECRET ends every session anyway.
 */
export interface DerivedKeys {
  readonly refreshToken: Buffer;
  readonly cursor: Buffer;
}

export function deriveKeys(jwtSecret: string): DerivedKeys {
  const derive = (purpose: string) =>
    Buffer.from(hkdfSync('sha256', Buffer.from(jwtSecret, 'utf8'), Buffer.alloc(0), `causeloop/auth/${purpose}/v1`, 32));
  return { refreshToken: derive('refresh-token'), cursor: derive('cursor') };
}

/**
 * A refresh token's secret: HMAC of its id under the refresh-token key. Only its SHA-256
 * is stored, yet the service can give a benign concurrent refresh the *same* successor
 * within the grace window by recomputing the successor's secret from its id; without the
 * key, ids (or a database dump) give nothing.
 */
export function refreshTokenSecret(keys: DerivedKeys, id: string): string {
  return createHmac('sha256', keys.refreshToken).update(id).digest('base64url');
}
