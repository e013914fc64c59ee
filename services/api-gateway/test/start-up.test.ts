import { request as httpsRequest } from 'node:https';
import path from 'node:path';
import { runServiceProcessToExit, startServiceProcess, uncataloguedMetrics } from '@causeloop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayBackend, type GatewayBackend } from './support/backend.js';
import { createTestCertificate } from './support/certificate.js';

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
  it('serves, is ready while auth is reachable, exports only catalogued metrics, and drains on SIGTERM', async () => {
    const { child, httpUrl, opsUrl, exited } = await startGateway(
      environment({ AUTH_GRPC_ADDR: backend.auth.grpcAddress, DATABASE_URL: backend.database.appUrl }),
    );
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
      const { access_token: accessToken } = (await response.json()) as { access_token: string };

      // Idempotency keys are wired to the database: the retry is a replay.
      const createToken = () =>
        fetch(`${httpUrl!}/v1/api-tokens`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}`, 'idempotency-key': 'start-up' },
          body: JSON.stringify({ name: 'start-up', scopes: ['issues:read'] }),
        });
      expect((await createToken()).status).toBe(200);
      const replay = await createToken();
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotency-replayed')).toBe('true');
      const metrics = await (await fetch(`${opsUrl}/metrics`)).text();
      expect(metrics).toMatch(/^causeloop_gateway_idempotent_replays_total\{service="api-gateway"\} 1$/m);
      expect(uncataloguedMetrics(metrics)).toEqual([]);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('is not ready while auth is unreachable', async () => {
    const { child, opsUrl } = await startGateway(
      environment({ AUTH_GRPC_ADDR: '127.0.0.1:1', DATABASE_URL: backend.database.appUrl }),
    );
    try {
      expect((await fetch(`${opsUrl}/ready`)).status).toBe(503);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('serves HTTPS on HTTPS_PORT when given a certificate, and refuses a certificate without its key', async () => {
    const certificate = await createTestCertificate();
    const { child, httpUrl } = await startGateway(
      environment({
        AUTH_GRPC_ADDR: backend.auth.grpcAddress,
        DATABASE_URL: backend.database.appUrl,
        TLS_CERT_FILE: certificate.certFile,
        TLS_KEY_FILE: certificate.keyFile,
        HTTPS_PORT: '0',
      }),
    );
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const url = new URL('/openapi.json', httpUrl!.replace(/^http:/, 'https:'));
        const request = httpsRequest(url, { ca: certificate.cert }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on('error', reject);
        request.end();
      });
      expect(status).toBe(200);
    } finally {
      child.kill('SIGKILL');
    }
    const { code, output } = await runServiceProcessToExit({
      main,
      cwd: repositoryRoot,
      env: environment({
        AUTH_GRPC_ADDR: backend.auth.grpcAddress,
        DATABASE_URL: backend.database.appUrl,
        TLS_CERT_FILE: certificate.certFile,
      }),
    });
    expect(code).toBe(1);
    expect(output).toContain('TLS_KEY_FILE');
  });

  it('refuses to start without AUTH_GRPC_ADDR or DATABASE_URL, naming both', async () => {
    const { code, output } = await runServiceProcessToExit({ main, cwd: repositoryRoot, env: environment({}) });
    expect(code).toBe(1);
    expect(output).toContain('AUTH_GRPC_ADDR');
    expect(output).toContain('DATABASE_URL');
  });

  it('refuses to start connected as the database owner (it must be causeloop_app, under RLS)', async () => {
    const { code, output } = await runServiceProcessToExit({
      main,
      cwd: repositoryRoot,
      env: environment({ AUTH_GRPC_ADDR: backend.auth.grpcAddress, DATABASE_URL: backend.database.adminUrl }),
    });
    expect(code).toBe(1);
    expect(output).toMatch(/superuser|BYPASSRLS/i);
  });
});
