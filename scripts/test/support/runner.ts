// The `npm start` runner as a test starts it: its own process group, its output collected,
// and whatever a failed test left running killed, group and all.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { localServices, withPortOffset } from '../../src/local-services.js';

export const repositoryRoot = path.resolve(import.meta.dirname, '../../..');
const runner = path.join(repositoryRoot, 'scripts/dist/start.js');

export interface Run {
  readonly child: ChildProcess;
  output(): string;
  /** The exit code, or the signal's name when the runner was killed by one. */
  readonly exited: Promise<number | string | null>;
}

/** Runners still going when a test ends (it failed half-way); `killLeftoverRunners` ends them. */
const live = new Set<ChildProcess>();

export function startRunner(environment: Record<string, string>): Run {
  // Its own process group, so a signal to the group reaches the runner and everything it
  // started, as Ctrl-C in a terminal does.
  const child = spawn(process.execPath, [runner], {
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH ?? '', ...environment },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  live.add(child);
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal);
    }),
  );
  return { child, output: () => output, exited };
}

export function killLeftoverRunners(): void {
  for (const child of live) process.kill(-child.pid!, 'SIGKILL');
}

export async function waitForOutput(run: Run, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!run.output().includes(text)) {
    if (run.child.exitCode !== null) throw new Error(`runner exited early:\n${run.output()}`);
    if (Date.now() > deadline) throw new Error(`runner did not print "${text}" in time:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function pressCtrlC(run: Run): Promise<{ code: number | string | null }> {
  // A runner that already exited has no process group left to signal; its exit code and
  // output below say why, instead of an ESRCH hiding the test's own failure.
  if (run.child.exitCode === null && run.child.signalCode === null) process.kill(-run.child.pid!, 'SIGINT');
  const code = await run.exited;
  // On a failure, show how it ended and what the runner said last.
  if (code !== 0) console.error(`runner ended with ${String(code)}; last output:\n${run.output().slice(-3000)}`);
  return { code };
}

/** The demo owner's access token the runner printed. */
export function printedToken(run: Run): string | undefined {
  return /^ {2}(eyJ[\w-]+\.[\w-]+\.[\w-]+)$/m.exec(run.output())?.[1];
}

/**
 * A CAUSELOOP_PORT_OFFSET whose every service port is free now. Shifted gRPC ports fall in
 * Linux's ephemeral range, where another test's listener or outgoing connection may hold
 * one; a runner that cannot bind exits before the test has begun.
 */
export async function freePortOffset(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const offset = 1_000 + Math.floor(Math.random() * 5_000);
    const ports = withPortOffset(localServices, offset).flatMap((service) => [service.opsPort, service.grpcPort ?? service.httpPort]);
    if ((await Promise.all(ports.map(isFree))).every(Boolean)) return offset;
  }
  throw new Error('no port offset with every service port free in 20 tries');
}

function isFree(port: number | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (port === undefined) return resolve(true);
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
