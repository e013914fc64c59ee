import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { developmentGovernanceSigningKeyPem, resolveGovernanceSigningKey } from '../../src/certificates/signing-key.js';
import { signErasureCertificate, verifyErasureCertificate } from '../../src/certificates/erasure-certificate.js';

const pem = (type: 'ed25519' | 'ec') =>
  (type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519')).privateKey
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
const resolve = (nodeEnv: string, key?: string, file?: string) =>
  resolveGovernanceSigningKey({ nodeEnv, governanceSigningKey: key, governanceSigningKeyFile: file });

describe('GOVERNANCE_SIGNING_KEY', () => {
  it('falls back to the published development key outside production only', () => {
    expect(resolve('development').development).toBe(true);
    expect(() => resolve('production')).toThrow(/GOVERNANCE_SIGNING_KEY or GOVERNANCE_SIGNING_KEY_FILE is required/);
  });

  it('refuses the development key under production, however it is passed, without echoing it', () => {
    for (const key of [developmentGovernanceSigningKeyPem, developmentGovernanceSigningKeyPem.replaceAll('\n', '\\n')]) {
      let message = '';
      try {
        resolve('production', key);
      } catch (error) {
        message = (error as Error).message;
        expect(error).toMatchObject({ code: 'config_invalid' });
      }
      expect(message).toMatch(/published development key/);
      expect(message).not.toContain('PRIVATE KEY-----');
    }
  });

  it('takes an Ed25519 key and refuses other kinds, unreadable files and two sources', () => {
    const key = resolve('production', pem('ed25519'));
    expect(key.development).toBe(false);
    expect(() => resolve('production', pem('ec'))).toThrow(/must be an Ed25519 private key/);
    expect(() => resolve('production', undefined, '/nonexistent/key.pem')).toThrow(/GOVERNANCE_SIGNING_KEY_FILE cannot be read/);
    expect(() => resolve('production', pem('ed25519'), '/nonexistent/key.pem')).toThrow(/both set/);
  });

  it('signs certificates that only its own public key verifies', () => {
    const key = resolve('production', pem('ed25519'));
    const other = resolve('production', pem('ed25519'));
    const certificate = signErasureCertificate(key, {
      requestId: 'r', workspaceId: 'w', subjectId: 's', requestedBy: 'a', approvedBy: 'b',
      requestedAt: new Date(0), completedAt: new Date(1), counts: { users: 1 },
    });
    expect(verifyErasureCertificate(certificate, key.publicKeyPem)).toBe(true);
    expect(verifyErasureCertificate(certificate, other.publicKeyPem)).toBe(false);
  });
});
