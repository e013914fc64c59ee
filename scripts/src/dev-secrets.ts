import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateOperatorToken } from '@causeloop/platform/identity';

/** Secrets of a local install, made once and kept in `.causeloop/secrets.json` (mode 0600). */
export interface DevSecrets {
  readonly postgresPassword: string;
  readonly ownerPassword: string;
  readonly appPassword: string;
  /** HS256 key for Causeloop access tokens (JWT_SECRET), 48 random bytes, base64url. */
  readonly jwtSecret: string;
  /** Key-encryption key for the crypto service (CAUSELOOP_MASTER_KEY), 32 bytes, base64. */
  readonly masterKey: string;
  /** Ed25519 key auth signs principal assertions with (PRINCIPAL_ASSERTION_PRIVATE_KEY), PKCS8 PEM. */
  readonly assertionPrivateKey: string;
  /** HMAC secret of tenancy's and insights' list cursors (CURSOR_SIGNING_KEY; each derives its own key), 48 random bytes, base64url. */
  readonly cursorSigningKey: string;
  /** Ed25519 key tenancy signs erasure certificates with (GOVERNANCE_SIGNING_KEY), PKCS8 PEM. */
  readonly governanceSigningKey: string;
  /** The local operator token (clp_op_…) for `npm run causeloop -- org create`; tenancy gets its SHA-256. */
  readonly operatorToken: string;
}

/**
 * Private to the developer. Run as root, the embedded server runs as the `postgres` OS
 * user (PostgreSQL refuses root), which must pass through to its data directory: it gets
 * traverse-only access, never a listing, and secrets.json stays 0600.
 */
const stateDirectoryMode = process.getuid?.() === 0 ? 0o711 : 0o700;

type SecretName = keyof DevSecrets;

const password = (): string => randomBytes(24).toString('base64url');
const ed25519Pem = (): string => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

/** How each secret is made; a secret added in a later version is made for older installs too. */
const generators: Readonly<Record<SecretName, () => string>> = {
  postgresPassword: password,
  ownerPassword: password,
  appPassword: password,
  jwtSecret: () => randomBytes(48).toString('base64url'),
  masterKey: () => randomBytes(32).toString('base64'),
  assertionPrivateKey: ed25519Pem,
  cursorSigningKey: () => randomBytes(48).toString('base64url'),
  governanceSigningKey: ed25519Pem,
  operatorToken: () => generateOperatorToken().token,
};

/**
 * Reads the local secrets, creating them on first run. Existing values are never
 * replaced: the embedded database and anything encrypted with the master key depend on
 * them, so a silent regeneration would lock the developer out of their own data. Secrets
 * a newer version needs are added to an older file.
 */
export async function loadOrCreateDevSecrets(stateDirectory: string): Promise<DevSecrets> {
  const file = path.join(stateDirectory, 'secrets.json');
  await mkdir(stateDirectory, { recursive: true });
  await chmod(stateDirectory, stateDirectoryMode);
  let stored: Partial<Record<SecretName, unknown>> = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Partial<Record<SecretName, unknown>>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`${file} is unreadable (${(error as Error).message}); restore it, or delete ${stateDirectory} to start over (all local data is lost)`);
    }
  }
  const secrets = {} as Record<SecretName, string>;
  let added = false;
  for (const [name, generate] of Object.entries(generators) as [SecretName, () => string][]) {
    const value = stored[name];
    if (typeof value === 'string' && value !== '') {
      secrets[name] = value;
    } else {
      secrets[name] = generate();
      added = true;
    }
  }
  if (added) await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  // Tighten permissions a copy or an editor may have loosened.
  await chmod(file, 0o600);
  return secrets;
}
