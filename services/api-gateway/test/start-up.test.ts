import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { runServiceProcessToExit } from '@causeloop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayBackend, type GatewayBackend } from './support/backend.js';

const repositoryRoot = path.resolve(import.meta.dirname, '../../..');
const main = path.join(repositoryRoot, 'services/api-gateway/dist/main.js');

let backend: GatewayBackend;

beforeAll(async () => {
  backend = await startGatewayBackend();
  await backend.seedMember('owner@gateway.test', 'owner');
}, 180_000);

afterAll(async () => {
  await backend?.close();
});

const environment = (extra: Record<string, string>): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  NODE_ENV: 'test',
  LOG_LEVEL: 'info',
  HTTP_HOST: '127.0.0.1',
  HTTP_PORT: '0',
  OPS_PORT: '0',
  SHUTDOWN_DRAIN_MS: '2000',
  ...extra,
});

/** Resolves with the ready line (`http_port`, `ops_port`) the gateway logs once serving. */
function startGateway(env: Record<string, string>): Promise<{ child: ChildProcess; httpPort: number; opsPort: number }> {
  const child = spawn(process.execPath, [main], { cwd: repositoryRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line);
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (typeof entry['http_port'] === 'number' && typeof entry['ops_port'] === 'number') {
        resolve({ child, httpPort: entry['http_port'], opsPort: entry['ops_port'] });
      }
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}:\n${output.join('\n')}`)));
  });
}

describe('the gateway as a real process', () => {
  it('serves, is ready while auth is reachable, and drains on SIGTERM', async () => {
    const { child, httpPort, opsPort } = await startGateway(environment({ AUTH_GRPC_ADDR: backend.auth.grpcAddress }));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      expect((await fetch(`http://127.0.0.1:${opsPort}/ready`)).status).toBe(200);
      const response = await fetch(`http://127.0.0.1:${httpPort}/v1/auth/exchange`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ subject_token: 'dev:owner@gateway.test' }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toBeTruthy();
      expect(response.headers.get('server')).toBeNull();
      expect(await response.json()).toHaveProperty('access_token');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('is not ready while auth is unreachable', async () => {
    const { child, opsPort } = await startGateway(environment({ AUTH_GRPC_ADDR: '127.0.0.1:1' }));
    try {
      expect((await fetch(`http://127.0.0.1:${opsPort}/ready`)).status).toBe(503);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses to start without AUTH_GRPC_ADDR, naming it', async () => {
    const { code, output } = await runServiceProcessToExit({ main, cwd: repositoryRoot, env: environment({}) });
    expect(code).toBe(1);
    expect(output).toContain('AUTH_GRPC_ADDR');
  });
});
