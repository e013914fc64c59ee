import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

const tagBytes = 16;

/**
 * A cursor key for `purpose` derived from a service secret with HKDF, so the secret itself
 * never signs cursors and no key serves two uses.
 */
export function deriveCursorKey(secret: Buffer | string, purpose: string): Buffer {
  const material = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), `causeloop/${purpose}/cursor/v1`, 32));
}

/**
 * An opaque, signed keyset cursor (DESIGN §4) bound to one list, e.g.
 * `pat:<workspace>:<user>`: a cursor from one list, or an edited one, is refused by
 * `decodeCursor`. `position` is whatever the list continues after (an id, a time and an id).
 */
export function encodeCursor(key: Buffer, list: string, position: string): string {
  const body = Buffer.from(position, 'utf8');
  const tag = createHmac('sha256', key).update(`${list}\n${position}`).digest().subarray(0, tagBytes);
  return Buffer.concat([tag, body]).toString('base64url');
}

/** The position a cursor continues after, or undefined when it is not one of ours for `list`. */
export function decodeCursor(key: Buffer, list: string, cursor: string): string | undefined {
  const raw = Buffer.from(cursor, 'base64url');
  if (raw.length <= tagBytes) return undefined;
  const position = raw.subarray(tagBytes).toString('utf8');
  const expected = createHmac('sha256', key).update(`${list}\n${position}`).digest().subarray(0, tagBytes);
  return timingSafeEqual(expected, raw.subarray(0, tagBytes)) ? position : undefined;
}
