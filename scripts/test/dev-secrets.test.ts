import { createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateDevSecrets } from '../src/dev-secrets.js';

describe('local development secrets', () => {
  const directories: string[] = [];
  afterAll(async () => {
    for (const directory of directories) await rm(directory, { recursive: true, force: true });
  });
  const home = async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'causeloop-secrets-'));
    directories.push(directory);
    return directory;
  };

  it('are made once, kept private, and the same on every later start', async () => {
    const directory = await home();
    const first = await loadOrCreateDevSecrets(directory);
    expect(Buffer.from(first.masterKey, 'base64')).toHaveLength(32);
    expect(first.assertionPrivateKey).toContain('BEGIN PRIVATE KEY');
    // Tenancy's: cursor HMAC secret (≥ 32 characters), erasure-certificate key, operator token.
    expect(first.cursorSigningKey.length).toBeGreaterThanOrEqual(32);
    expect(createPrivateKey(first.governanceSigningKey).asymmetricKeyType).toBe('ed25519');
    expect(first.governanceSigningKey).not.toBe(first.assertionPrivateKey);
    expect(first.operatorToken).toMatch(/^clp_op_[\w-]{43}$/);
    expect((await stat(path.join(directory, 'secrets.json'))).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateDevSecrets(directory)).toEqual(first);
  });

  it('gain the secrets a newer version needs without touching the existing ones', async () => {
    const directory = await home();
    const older = { postgresPassword: 'p', ownerPassword: 'o', appPassword: 'a', jwtSecret: 'j'.repeat(40), masterKey: 'k' };
    await writeFile(path.join(directory, 'secrets.json'), JSON.stringify(older), { mode: 0o644 });
    const secrets = await loadOrCreateDevSecrets(directory);
    expect(secrets).toMatchObject(older);
    expect(secrets.assertionPrivateKey).toContain('BEGIN PRIVATE KEY');
    expect(JSON.parse(await readFile(path.join(directory, 'secrets.json'), 'utf8'))).toEqual(secrets);
    expect((await stat(path.join(directory, 'secrets.json'))).mode & 0o777).toBe(0o600);
  });

  it('refuse to start over a damaged file rather than replace it', async () => {
    const directory = await home();
    await writeFile(path.join(directory, 'secrets.json'), '{ not json');
    await expect(loadOrCreateDevSecrets(directory)).rejects.toThrow(/unreadable.*delete/);
  });
});
