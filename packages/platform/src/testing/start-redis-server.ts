import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findFreePort } from '../net/find-free-port.js';

export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** SIGTERM, then waits for the exit; safe to call twice. */
  stop(): Promise<void>;
}

/** The `redis-server` found on the PATH, or undefined. */
export function findRedisServer(): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    if (directory === '') continue;
    const candidate = path.join(directory, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * Whether a test file that needs `redis-server` must be skipped: `.ci/run` installs it,
 * so under `CI` a missing binary throws (the file fails, naming the cause) rather than
 * letting the Redis tests pass by not running; elsewhere the skip is announced by name.
 */
export function skipWithoutRedisServer(testFile: string): boolean {
  if (findRedisServer() !== undefined) return false;
  const message = `redis-server is not on the PATH, so ${testFile} cannot run (install the Debian package redis-server; .ci/run does)`;
  if (process.env.CI !== undefined && process.env.CI !== '') throw new Error(message);
  console.warn(`SKIPPED: ${message}`);
  return true;
}

/**
 * A real `redis-server` on a free loopback port, in memory only (no RDB snapshots, no
 * AOF, working directory in a temporary folder removed on stop).
 */
export async function startRedisServer(): Promise<RedisServer> {
  const binary = findRedisServer();
  if (binary === undefined) throw new Error('redis-server is not on the PATH (Debian package redis-server)');
  const port = await findFreePort();
  const directory = await mkdtemp(path.join(tmpdir(), 'causeloop-redis-'));
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', directory, '--daemonize', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`)));
  });
  let stopped: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
        await rm(directory, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
