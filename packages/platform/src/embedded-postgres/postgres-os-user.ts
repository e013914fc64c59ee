import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface OsUser {
  readonly uid: number;
  readonly gid: number;
}

/**
 * The unprivileged `postgres` OS user the server runs as when we are root (PostgreSQL
 * refuses to run as root), created when missing, as in a fresh CI container.
 */
export async function ensurePostgresOsUser(): Promise<OsUser> {
  const existing = await lookUp('postgres');
  if (existing !== undefined) return existing;
  try {
    await run('groupadd', ['--system', 'postgres']).catch(() => undefined);
    await run('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
  } catch (error) {
    throw new Error('running as root, PostgreSQL needs a "postgres" OS user, and creating it failed', { cause: error });
  }
  const created = await lookUp('postgres');
  if (created === undefined) throw new Error('the "postgres" OS user was created but cannot be found');
  return created;
}

async function lookUp(name: string): Promise<OsUser | undefined> {
  try {
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  } catch {
    return undefined;
  }
}
