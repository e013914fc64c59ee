import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { serviceNodeOptions } from './service-node-options.js';

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** `127.0.0.1:<port>` of its gRPC server; reading it for an HTTP-only service throws. */
  readonly grpcAddress: string;
  /** `http://127.0.0.1:<port>` of its HTTP API (the gateway); undefined for gRPC services. */
  readonly httpUrl: string | undefined;
  /** `http://127.0.0.1:<port>` of its ops server. */
  readonly opsUrl: string;
  /** Every JSON log line it has written so far. */
  readonly lines: readonly Record<string, unknown>[];
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then waits for the exit (a graceful drain). */
  stop(): Promise<number | null>;
}

export interface ServiceProcessOptions {
  /** The built entry point, e.g. `services/crypto/dist/main.js`. */
  readonly main: string;
  readonly cwd: string;
  /** The whole environment (nothing is inherited but PATH), on top of random ports. */
  readonly env: Readonly<Record<string, string>>;
  /** Node options before the entry point; `serviceNodeOptions` (as deployed) when omitted. */
  readonly execArgv?: readonly string[];
  /** Keep parsing log lines after start-up (off for benchmarks, where it costs CPU). */
  readonly keepLines?: boolean;
}

function spawnService(options: ServiceProcessOptions): ChildProcess {
  return spawn(process.execPath, [...(options.execArgv ?? serviceNodeOptions), options.main], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', GRPC_HOST: '127.0.0.1', GRPC_PORT: '0', OPS_PORT: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Runs a service expected to refuse to start; resolves with its exit code and everything
 * it printed, to check the refusal names its cause (and leaks nothing).
 */
export async function runServiceProcessToExit(
  options: ServiceProcessOptions,
): Promise<{ code: number | null; output: string }> {
  const child = spawnService(options);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}

/**
 * Starts a service as a real process on random loopback ports, the way a pod runs it, and
 * resolves once it logs the line carrying `ops_port` and its `grpc_port` or `http_port`
 * (every service's main.ts logs one when it is ready). Rejects with the process's output
 * if it exits first.
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const child = spawnService(options);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const reader = createInterface({ input: child.stdout! });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    reader.on('line', (line) => {
      const entry = parseLine(line);
      lines.push(entry);
      const servesApi = typeof entry['grpc_port'] === 'number' || typeof entry['http_port'] === 'number';
      if (servesApi && typeof entry['ops_port'] === 'number') resolve(entry);
    });
    void exited.then((code) =>
      reject(new Error(`${options.main} exited with ${code} before it was ready:\n${lines.map((l) => JSON.stringify(l)).join('\n')}\n${stderr}`)),
    );
  });
  if (options.keepLines === false) {
    // Stop parsing but keep draining, or a full pipe would stall the service.
    reader.close();
    child.stdout!.resume();
  }
  const grpcPort = ready['grpc_port'];
  const httpPort = ready['http_port'];
  return {
    child,
    get grpcAddress(): string {
      if (typeof grpcPort !== 'number') throw new Error(`${options.main} serves no gRPC`);
      return `127.0.0.1:${grpcPort}`;
    },
    httpUrl: typeof httpPort === 'number' ? `http://127.0.0.1:${httpPort}` : undefined,
    opsUrl: `http://127.0.0.1:${String(ready['ops_port'])}`,
    lines,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

function parseLine(line: string): Record<string, unknown> {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { message: line };
  }
}
