import { isCauseloopError } from '@causeloop/platform/errors';
import { describe, expect, it } from 'vitest';
import { nodeCryptoPrimitives, runSelfTest, type SelfTestPrimitives } from '../../src/self-test.js';
import { randomKeyring } from '../support/crypto-server.js';

function selfTestError(run: () => void): string {
  try {
    run();
  } catch (error) {
    if (isCauseloopError(error)) return error.message;
    throw error;
  }
  throw new Error('expected the self-test to fail');
}

describe('start-up self-test', () => {
  const { keyring } = randomKeyring([1, 2, 3], { minDecryptionVersion: 2 });

  it('passes with node:crypto and every active KEK', () => {
    expect(() => runSelfTest(keyring)).not.toThrow();
  });

  it('fails on a broken HMAC, naming the RFC 4231 vector', () => {
    const broken: SelfTestPrimitives = {
      ...nodeCryptoPrimitives,
      hmacSha256: (key, data) => {
        const mac = nodeCryptoPrimitives.hmacSha256(key, data);
        mac[0]! ^= 1;
        return mac;
      },
    };
    expect(selfTestError(() => runSelfTest(keyring, broken))).toContain('HMAC-SHA256 known answer (RFC 4231 test case 2)');
  });

  it('fails on a broken AES-GCM encryption or decryption', () => {
    const wrongTag: SelfTestPrimitives = {
      ...nodeCryptoPrimitives,
      aes256GcmEncrypt: (key, iv, aad, plaintext) => ({
        ...nodeCryptoPrimitives.aes256GcmEncrypt(key, iv, aad, plaintext),
        tag: Buffer.alloc(16),
      }),
    };
    expect(selfTestError(() => runSelfTest(keyring, wrongTag))).toContain('AES-256-GCM known answer');
    const throwing: SelfTestPrimitives = {
      ...nodeCryptoPrimitives,
      aes256GcmDecrypt: () => {
        throw new Error('unsupported state or unable to authenticate data');
      },
    };
    expect(selfTestError(() => runSelfTest(keyring, throwing))).toContain('AES-256-GCM known answer');
  });
});
