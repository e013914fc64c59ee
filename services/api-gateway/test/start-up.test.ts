import path from 'node:path';
import { runServiceProcessToExit, startServiceProcess } from '@causeloop/platform/testing';
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

const startGateway = (env: Record<string, string>) => startServiceProcess({ main, cwd: repositoryRoot, env });

describe('the gateway as a real process', () => {
  it('serves, is ready while auth is reachable, and drains on SIGTERM', async () => {
    const { child, httpUrl, opsUrl, exited } = await startGateway(environment({ AUTH_GRPC_ADDR: backend.auth.grpcAddress }));
    try {
      expect((await fetch(`${opsUrl}/ready`)).status).toBe(200);
      const response = await fetch(`${httpUrl!}/v1/auth/exchange`, {
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
    const { child, opsUrl } = await startGateway(environment({ AUTH_GRPC_ADDR: '127.0.0.1:1' }));
    try {
      expect((await fetch(`${opsUrl}/ready`)).status).toBe(503);
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
