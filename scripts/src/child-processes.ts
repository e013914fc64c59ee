import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ChildSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export interface Children {
  start(spec: ChildSpec): void;
  /** Resolves with the first child that exits on its own (a crash, or a bad config). */
  readonly firstExit: Promise<{ name: string; code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM to every child; SIGKILL to those still running after `graceMs`. */
  stopAll(graceMs: number): Promise<void>;
}

const colours = [36, 35, 33, 32, 34, 91];

/**
 * The local runner's child processes, each line of their output prefixed with the
 * service name so five services can share one terminal.
 */
export function createChildren(
  output: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; colour: boolean } = {
    stdout: process.stdout,
    stderr: process.stderr,
    colour: process.stdout.isTTY,
  },
): Children {
  const running = new Map<string, ChildProcess>();
  let stopping = false;
  let reportExit: (exit: { name: string; code: number | null; signal: NodeJS.Signals | null }) => void = () => {};
  const firstExit = new Promise<{ name: string; code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    reportExit = resolve;
  });
  const width = 12;

  function pipe(stream: NodeJS.ReadableStream | null, prefix: string, target: NodeJS.WritableStream): void {
    if (stream === null) return;
    createInterface({ input: stream }).on('line', (line) => target.write(`${prefix} ${line}\n`));
  }

  return {
    start(spec) {
      const colour = colours[running.size % colours.length] ?? 36;
      const label = spec.name.padEnd(width);
      const prefix = output.colour ? `\u001b[${colour}m${label}|\u001b[0m` : `${label}|`;
      const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
      running.set(spec.name, child);
      pipe(child.stdout, prefix, output.stdout);
      pipe(child.stderr, prefix, output.stderr);
      child.on('exit', (code, signal) => {
        running.delete(spec.name);
        if (!stopping) reportExit({ name: spec.name, code, signal });
      });
    },
    firstExit,
    async stopAll(graceMs) {
      stopping = true;
      const exits = [...running.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
            // 'close', not 'exit': its last output lines are written before we say it stopped.
            child.once('close', () => {
              clearTimeout(killer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      );
      await Promise.all(exits);
    },
  };
}
