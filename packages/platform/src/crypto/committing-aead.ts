import { createCipheriv, createDecipheriv, createHmac, randomFillSync, timingSafeEqual } from 'node:crypto';
import { encodeAssociatedData } from './associated-data.js';

export const keyBytes = 32;
export const nonceBytes = 12;
export const commitmentBytes = 32;
export const tagBytes = 16;

/** HKDF-Extract salt: separates Causeloop's commitment keys from any other use of a key. */
const commitmentSalt = Buffer.from('causeloop/key-commitment/v1', 'utf8');
const expandFirstBlock = Buffer.from([1]);

/**
 * A 32-byte AES-256-GCM key with its commitment PRK (HKDF-Extract of the key) derived once,
 * so sealing pays one HMAC for the commitment rather than two.
 */
export interface PreparedKey {
  readonly key: Buffer;
  readonly commitmentPrk: Buffer;
}

/** Why a seal did not open; callers see one generic error, operators a labelled counter. */
export type OpenFailureReason = 'truncated' | 'commitment_mismatch' | 'authentication_failed';

export class OpenFailure extends Error {
  override readonly name = 'OpenFailure';
  readonly reason: OpenFailureReason;

  constructor(reason: OpenFailureReason) {
    super(`sealed value did not open (${reason})`);
    this.reason = reason;
  }
}

export function prepareKey(key: Uint8Array): PreparedKey {
  if (key.length !== keyBytes) throw new RangeError(`an AES-256-GCM key is ${keyBytes} bytes, got ${key.length}`);
  const copy = Buffer.from(key);
  return { key: copy, commitmentPrk: createHmac('sha256', commitmentSalt).update(copy).digest() };
}

/**
 * The key commitment for one nonce: HKDF-SHA256-Expand(PRK, info = nonce, 32 bytes), one
 * HMAC block. AES-GCM alone is not key-committing (one ciphertext can be made to open under
 * two keys); checking this value first binds the ciphertext to exactly one key.
 */
function commitment(key: PreparedKey, nonce: Uint8Array): Buffer {
  return createHmac('sha256', key.commitmentPrk).update(nonce).update(expandFirstBlock).digest();
}

// Nonces are cut from a buffer of CSPRNG output refilled 4 KiB at a time: each
// randomBytes(12) call costs ~4 µs of fixed overhead, a quarter of sealing 1 KiB. The bytes
// are the same OpenSSL CSPRNG output, each used once; Node's randomUUID caches the same way.
// A refill allocates a new buffer, so nonces already handed out are never overwritten.
const noncePoolBytes = nonceBytes * 341;
let noncePool = Buffer.alloc(0);
let noncePoolOffset = 0;

function freshNonce(): Buffer {
  if (noncePoolOffset + nonceBytes > noncePool.length) {
    noncePool = randomFillSync(Buffer.allocUnsafeSlow(noncePoolBytes));
    noncePoolOffset = 0;
  }
  const nonce = noncePool.subarray(noncePoolOffset, noncePoolOffset + nonceBytes);
  noncePoolOffset += nonceBytes;
  return nonce;
}

export interface SealOptions {
  readonly key: PreparedKey;
  /** Leading header bytes the caller defines (format version, suite, key version…). */
  readonly prefix: Uint8Array;
  /** What the value is bound to (purpose label, workspace id, table, column…). */
  readonly context: readonly (string | Uint8Array)[];
  readonly plaintext: Uint8Array;
}

/**
 * AES-256-GCM with a random 96-bit nonce and a key commitment. Output:
 * `prefix ‖ nonce ‖ commitment ‖ ciphertext ‖ tag`. The AAD is the length-prefixed
 * encoding of `context` followed by the whole header (`prefix ‖ nonce ‖ commitment`), so
 * changing any header byte, or opening under another context, fails.
 */
export function seal(options: SealOptions): Buffer {
  const { prefix, plaintext } = options;
  const nonce = freshNonce();
  const headerLength = prefix.length + nonceBytes + commitmentBytes;
  // One output buffer, written in place: GCM's ciphertext is as long as the plaintext.
  const output = Buffer.allocUnsafe(headerLength + plaintext.length + tagBytes);
  output.set(prefix, 0);
  output.set(nonce, prefix.length);
  output.set(commitment(options.key, nonce), prefix.length + nonceBytes);
  const cipher = createCipheriv('aes-256-gcm', options.key.key, nonce);
  cipher.setAAD(encodeAssociatedData([...options.context, output.subarray(0, headerLength)]));
  const body = cipher.update(plaintext);
  output.set(body, headerLength);
  const final = cipher.final();
  output.set(final, headerLength + body.length);
  output.set(cipher.getAuthTag(), headerLength + body.length + final.length);
  return output;
}

export interface OpenOptions {
  readonly key: PreparedKey;
  /** How many leading bytes are the caller's prefix (already parsed to pick the key). */
  readonly prefixLength: number;
  readonly context: readonly (string | Uint8Array)[];
  readonly sealed: Uint8Array;
}

/** Opens what `seal` produced; throws `OpenFailure` with the reason on any mismatch. */
export function open(options: OpenOptions): Buffer {
  const { sealed, prefixLength } = options;
  const headerLength = prefixLength + nonceBytes + commitmentBytes;
  if (sealed.length < headerLength + tagBytes) throw new OpenFailure('truncated');
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.length);
  const nonce = bytes.subarray(prefixLength, prefixLength + nonceBytes);
  const stored = bytes.subarray(prefixLength + nonceBytes, headerLength);
  // Constant-time, and before any decryption: a wrong key is refused without touching GCM.
  if (!timingSafeEqual(stored, commitment(options.key, nonce))) throw new OpenFailure('commitment_mismatch');
  const decipher = createDecipheriv('aes-256-gcm', options.key.key, nonce);
  decipher.setAAD(encodeAssociatedData([...options.context, bytes.subarray(0, headerLength)]));
  decipher.setAuthTag(bytes.subarray(bytes.length - tagBytes));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(headerLength, bytes.length - tagBytes)), decipher.final()]);
  } catch {
    throw new OpenFailure('authentication_failed');
  }
}

/** Overhead `seal` adds beyond the caller's prefix and the plaintext. */
export const sealOverheadBytes = nonceBytes + commitmentBytes + tagBytes;
