import { createHash } from 'node:crypto';
import { isCauseloopError } from '@causeloop/platform/errors';
import { describe, expect, it } from 'vitest';
import { developmentKeySeed, developmentMasterKey } from '../../src/development-key.js';
import { createKeyring } from '../../src/keyring/keyring.js';
import { parseMasterKey } from '../../src/keyring/parse-master-key.js';
import { kekFingerprint } from '../../src/keyring/fingerprint.js';
import { randomKey } from '../support/crypto-server.js';

const b64 = (key: Buffer): string => key.toString('base64');

function keyringError(build: () => unknown): string {
  try {
    build();
  } catch (error) {
    if (isCauseloopError(error) && error.code === 'config_invalid') return error.message;
    throw error;
  }
  throw new Error('expected the keyring to be refused');
}

describe('keyring value parsing and rules', () => {
  it('reads one bare key as version 1, and version lists separated by commas or newlines', () => {
    const [a, b, c] = [randomKey(), randomKey(), randomKey()];
    expect(parseMasterKey(b64(a), 'X').entries).toEqual([{ version: 1, key: a }]);
    const parsed = parseMasterKey(` 1:${b64(a)},\n 7:${b64(b)}\r\n3:${b64(c)}\n`, 'X');
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries.map((entry) => entry.version)).toEqual([1, 7, 3]);
    expect(createKeyring({ entries: parsed.entries }).primary.version).toBe(7);
  });

  it('names every problem, and never the key', () => {
    const short = b64(randomKey().subarray(0, 16));
    const good = b64(randomKey());
    const { problems } = parseMasterKey(`1:${good},1:${good},2:${short},3:not*base64,x:${good},${good}`, 'CAUSELOOP_MASTER_KEY');
    expect(problems).toEqual([
      'CAUSELOOP_MASTER_KEY lists version 1 more than once',
      'CAUSELOOP_MASTER_KEY version 2 must decode to 32 bytes, got 16',
      'CAUSELOOP_MASTER_KEY version 3 is not valid base64',
      'CAUSELOOP_MASTER_KEY entry 5 must be <version>:<base64 key> with a version from 1 to 4294967295',
      'CAUSELOOP_MASTER_KEY entry 6 must be <version>:<base64 key> with a version from 1 to 4294967295',
    ]);
    expect(problems.join()).not.toContain(good);
    expect(parseMasterKey('  \n', 'X').problems).toEqual(['X holds no key']);
  });

  it('checks the primary and min_decryption_version', () => {
    const entries = [1, 2, 3].map((version) => ({ version, key: randomKey() }));
    expect(createKeyring({ entries, primaryVersion: 2 }).primary.version).toBe(2);
    expect(keyringError(() => createKeyring({ entries, primaryVersion: 4 }))).toContain(
      'CAUSELOOP_MASTER_KEY_PRIMARY is 4, but CAUSELOOP_MASTER_KEY has no version 4',
    );
    expect(keyringError(() => createKeyring({ entries, primaryVersion: 1, minDecryptionVersion: 2 }))).toContain(
      'CAUSELOOP_MASTER_KEY_PRIMARY 1 is retired by CAUSELOOP_MASTER_KEY_MIN_DECRYPTION_VERSION=2',
    );
    expect(keyringError(() => createKeyring({ entries, minDecryptionVersion: 4 }))).toContain('retired');
    expect(createKeyring({ entries, minDecryptionVersion: 3 }).minDecryptionVersion).toBe(3);
  });

  it('refuses the development key and all-identical keys in production only', () => {
    const developmentKey = Buffer.from(developmentMasterKey, 'base64');
    expect(developmentKey.equals(createHash('sha256').update(developmentKeySeed, 'utf8').digest())).toBe(true);
    const dev = [{ version: 1, key: developmentKey }];
    const zeros = [{ version: 1, key: Buffer.alloc(32, 0x41) }];
    expect(createKeyring({ entries: dev }).primary.version).toBe(1);
    expect(createKeyring({ entries: zeros }).primary.version).toBe(1);
    expect(keyringError(() => createKeyring({ entries: dev, production: true }))).toContain('published development key');
    expect(keyringError(() => createKeyring({ entries: zeros, production: true }))).toContain('all-identical bytes');
  });

  it('fingerprints keys apart without revealing them', () => {
    const key = Buffer.alloc(32, 1);
    expect(kekFingerprint(key)).toMatch(/^[0-9a-f]{16}$/);
    expect(kekFingerprint(key)).not.toBe(kekFingerprint(Buffer.alloc(32, 2)));
    const { versions } = createKeyring({ entries: [{ version: 1, key }] });
    expect(versions[0]!.fingerprint).toBe(kekFingerprint(key));
  });
});
