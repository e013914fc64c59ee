import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  apiTokenDisplayPrefix,
  generateApiToken,
  hashApiToken,
  parseApiToken,
} from '../../src/api-token.js';

function replaceAt(text: string, index: number, char: string): string {
  return text.slice(0, index) + char + text.slice(index + 1);
}

describe('API tokens', () => {
  it('round-trips both kinds', () => {
    const pat = generateApiToken('personal_access');
    const sa = generateApiToken('service_account');
    expect(pat).toMatch(/^clp_pat_[0-9A-Za-z]{38}$/);
    expect(sa).toMatch(/^clp_sa_[0-9A-Za-z]{38}$/);
    expect(parseApiToken(pat)).toEqual({ kind: 'personal_access' });
    expect(parseApiToken(sa)).toEqual({ kind: 'service_account' });
  });

  it('refuses every one-character typo in the body or checksum', () => {
    const token = generateApiToken('personal_access');
    for (let i = 'clp_pat_'.length; i < token.length; i += 1) {
      const original = token.charAt(i);
      const typo = original === 'a' ? 'b' : 'a';
      expect(parseApiToken(replaceAt(token, i, typo)), `typo at ${i}`).toBeUndefined();
    }
  });

  it('refuses a wrong prefix, even with the same body', () => {
    const token = generateApiToken('personal_access');
    const body = token.slice('clp_pat_'.length);
    expect(parseApiToken(`clp_sa_${body}`)).toBeUndefined();
    expect(parseApiToken(`ghp_${body}`)).toBeUndefined();
    expect(parseApiToken(token.toUpperCase())).toBeUndefined();
  });

  it('refuses a token too short or too long', () => {
    const token = generateApiToken('service_account');
    expect(parseApiToken(token.slice(0, -1))).toBeUndefined();
    expect(parseApiToken(`${token}0`)).toBeUndefined();
    expect(parseApiToken('clp_sa_')).toBeUndefined();
    expect(parseApiToken('')).toBeUndefined();
  });

  it('refuses characters outside base62', () => {
    const token = generateApiToken('personal_access');
    for (const char of ['-', '_', '+', '/', '=', ' ', 'é'])
      expect(parseApiToken(replaceAt(token, 12, char))).toBeUndefined();
  });

  it('hashes with SHA-256', () => {
    const token = generateApiToken('personal_access');
    expect(hashApiToken(token)).toEqual(createHash('sha256').update(token).digest());
    expect(hashApiToken(token)).toHaveLength(32);
  });

  it('generates 1,000 distinct tokens, all valid', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => generateApiToken('personal_access')));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) expect(parseApiToken(token)).toBeDefined();
  });

  it('shows only the prefix and four body characters', () => {
    const token = generateApiToken('service_account');
    expect(apiTokenDisplayPrefix(token)).toBe(token.slice(0, 'clp_sa_'.length + 4));
    expect(() => apiTokenDisplayPrefix('Bearer abc')).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});
