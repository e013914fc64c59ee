import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Keys derived from JWT_SECRET with HKDF, one per purpose, so no key serves two uses:
 * refresh-token secrets and list cursors. Rotating JWT_SECRET ends every session anyway.
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

const tagBytes = 16;

/** An opaque, signed keyset cursor bound to one list (e.g. `pat:<workspace>:<user>`). */
export function encodeCursor(keys: DerivedKeys, list: string, afterId: string): string {
  const body = Buffer.from(afterId, 'utf8');
  const tag = createHmac('sha256', keys.cursor).update(`${list}\n${afterId}`).digest().subarray(0, tagBytes);
  return Buffer.concat([tag, body]).toString('base64url');
}

/** The id a cursor continues after, or undefined when it is not one of ours for `list`. */
export function decodeCursor(keys: DerivedKeys, list: string, cursor: string): string | undefined {
  const raw = Buffer.from(cursor, 'base64url');
  if (raw.length <= tagBytes) return undefined;
  const afterId = raw.subarray(tagBytes).toString('utf8');
  const expected = createHmac('sha256', keys.cursor).update(`${list}\n${afterId}`).digest().subarray(0, tagBytes);
  return timingSafeEqual(expected, raw.subarray(0, tagBytes)) ? afterId : undefined;
}
