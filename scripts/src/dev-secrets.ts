import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Secrets of a local install, made once and kept in `.causeloop/secrets.json` (mode 0600). */
export interface DevSecrets {
  readonly postgresPassword: string;
  readonly ownerPassword: string;
  readonly appPassword: string;
  /** HS256 key for Causeloop access tokens (JWT_SECRET), 48 random bytes, base64url. */
  readonly jwtSecret: string;
  /** Key-encryption key for the crypto service (CAUSELOOP_MASTER_KEY), 32 bytes, base64. */
  readonly masterKey: string;
}

/**
 * Private to the developer. Run as root, the embedded server runs as the `postgres` OS
 * user (PostgreSQL refuses root), which must pass through to its data directory: it gets
 * traverse-only access, never a listing, and secrets.json stays 0600.
 */
const stateDirectoryMode = process.getuid?.() === 0 ? 0o711 : 0o700;

const secretNames = ['postgresPassword', 'ownerPassword', 'appPassword', 'jwtSecret', 'masterKey'] as const;

function generate(): DevSecrets {
  const password = () => randomBytes(24).toString('base64url');
  return {
    postgresPassword: password(),
    ownerPassword: password(),
    appPassword: password(),
    jwtSecret: randomBytes(48).toString('base64url'),
    masterKey: randomBytes(32).toString('base64'),
  };
}

/**
 * Reads the local secrets, creating them on first run. They are written once: the
 * embedded database and anything encrypted with the master key depend on them, so a
 * silent regeneration would lock the developer out of their own data.
 */
export async function loadOrCreateDevSecrets(stateDirectory: string): Promise<DevSecrets> {
  const file = path.join(stateDirectory, 'secrets.json');
  await mkdir(stateDirectory, { recursive: true });
  await chmod(stateDirectory, stateDirectoryMode);
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text === undefined) {
    const secrets = generate();
    await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return secrets;
  }
  // Tighten permissions a copy or an editor may have loosened.
  await chmod(file, 0o600);
  const parsed = JSON.parse(text) as Partial<Record<(typeof secretNames)[number], unknown>>;
  const missing = secretNames.filter((name) => typeof parsed[name] !== 'string' || parsed[name] === '');
  if (missing.length > 0) {
    throw new Error(`${file} lacks ${missing.join(', ')}; restore it, or delete ${stateDirectory} to start over (all local data is lost)`);
  }
  return parsed as DevSecrets;
}
