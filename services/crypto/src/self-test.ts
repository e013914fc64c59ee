import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CauseloopError } from '@causeloop/platform/errors';
import type { Keyring } from './keyring/keyring.js';
import { unwrapDataKey, wrapDataKey } from './keyring/wrapped-key.js';

/**
 * The primitives the known-answer tests check. They are parameters so a test can hand in a
 * broken one and watch the self-test refuse; production always uses node:crypto.
 */
export interface SelfTestPrimitives {
  aes256GcmEncrypt(key: Buffer, iv: Buffer, aad: Buffer, plaintext: Buffer): { ciphertext: Buffer; tag: Buffer };
  aes256GcmDecrypt(key: Buffer, iv: Buffer, aad: Buffer, ciphertext: Buffer, tag: Buffer): Buffer;
  hmacSha256(key: Buffer, data: Buffer): Buffer;
}

export const nodeCryptoPrimitives: SelfTestPrimitives = {
  aes256GcmEncrypt(key, iv, aad, plaintext) {
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { ciphertext, tag: cipher.getAuthTag() };
  },
  aes256GcmDecrypt(key, iv, aad, ciphertext, tag) {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  },
  hmacSha256: (key, data) => createHmac('sha256', key).update(data).digest(),
};

const hex = (text: string): Buffer => Buffer.from(text, 'hex');

/** McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", test case 16 (AES-256, with AAD). */
const gcmVector = {
  key: hex('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308'),
  iv: hex('cafebabefacedbaddecaf888'),
  aad: hex('feedfacedeadbeeffeedfacedeadbeefabaddad2'),
  plaintext: hex(
    'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
  ),
  ciphertext: hex(
    '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662',
  ),
  tag: hex('76fc6ece0f4e1768cddf8853bb2d551b'),
};

/** RFC 4231, test case 2 (HMAC-SHA-256). */
const hmacVector = {
  key: Buffer.from('Jefe', 'ascii'),
  data: Buffer.from('what do ya want for nothing?', 'ascii'),
  mac: hex('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'),
};

// Fixed, distinct workspaces for the round trip; both are valid UUIDs.
const workspaceA = '00000000-0000-4000-8000-00000000000a';
const workspaceB = '00000000-0000-4000-8000-00000000000b';

function selfTestFailed(what: string): CauseloopError {
  return new CauseloopError('internal', `crypto self-test failed: ${what}`);
}

const same = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

/**
 * Known-answer tests of the primitives (a broken OpenSSL build, a FIPS provider that
 * behaves differently) and a wrap → unwrap round trip with every active KEK, run before
 * the service reports ready. Throws `internal` naming the check that failed.
 */
export function runSelfTest(keyring: Keyring, primitives: SelfTestPrimitives = nodeCryptoPrimitives): void {
  let sealed: { ciphertext: Buffer; tag: Buffer };
  let opened: Buffer;
  try {
    sealed = primitives.aes256GcmEncrypt(gcmVector.key, gcmVector.iv, gcmVector.aad, gcmVector.plaintext);
    opened = primitives.aes256GcmDecrypt(gcmVector.key, gcmVector.iv, gcmVector.aad, gcmVector.ciphertext, gcmVector.tag);
  } catch {
    throw selfTestFailed('AES-256-GCM known answer (McGrew–Viega test case 16) raised an error');
  }
  if (!same(sealed.ciphertext, gcmVector.ciphertext) || !same(sealed.tag, gcmVector.tag) || !same(opened, gcmVector.plaintext)) {
    throw selfTestFailed('AES-256-GCM known answer (McGrew–Viega test case 16) did not match');
  }
  if (!same(primitives.hmacSha256(hmacVector.key, hmacVector.data), hmacVector.mac)) {
    throw selfTestFailed('HMAC-SHA256 known answer (RFC 4231 test case 2) did not match');
  }
  checkKeyringRoundTrip(keyring);
}

/**
 * Wraps and unwraps a random key with every active version, and checks that a key wrapped
 * for one workspace does not unwrap for another. Also run on every reloaded keyring.
 */
export function checkKeyringRoundTrip(keyring: Keyring): void {
  for (const kek of keyring.versions) {
    if (kek.version < keyring.minDecryptionVersion) continue;
    const dataKey = randomBytes(32);
    const wrapped = wrapDataKey(kek, workspaceA, dataKey);
    let back: Buffer;
    try {
      back = unwrapDataKey(keyring, workspaceA, wrapped).dataKey;
    } catch {
      throw selfTestFailed(`wrap/unwrap round trip with KEK version ${kek.version} did not unwrap`);
    }
    if (!same(back, dataKey)) throw selfTestFailed(`wrap/unwrap round trip with KEK version ${kek.version} changed the key`);
    let crossed = true;
    try {
      unwrapDataKey(keyring, workspaceB, wrapped);
    } catch {
      crossed = false;
    }
    if (crossed) throw selfTestFailed(`a key wrapped for one workspace unwrapped for another (KEK version ${kek.version})`);
  }
}
