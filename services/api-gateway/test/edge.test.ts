import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { connect as http2Connect, createSecureServer } from 'node:http2';
import { connect as tlsConnect } from 'node:tls';
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { createLogger } from '@causeloop/platform/log';
import { createMetricsRegistry } from '@causeloop/platform/metrics';
import { describe, expect, it } from 'vitest';
import { buildApp, type AppDeps } from '../src/app.js';
import type { FrontedService } from '../src/fronted-service.js';
import { createMemoryRateLimiter } from '../src/rate-limit/index.js';
import { reloadTlsOnChange } from '../src/tls/tls-files.js';
import { createTestCertificate } from './support/certificate.js';

// Edge behaviour answered before any backend work: the backend and authenticator refuse.
const unreachable: FrontedService['call'] = () => Promise.reject(new Error('not called'));
const authenticator = { authenticate: () => Promise.reject(new Error('not called')) };

function app(extra: Partial<AppDeps> = {}) {
  return buildApp({
    services: [{ service: AuthService, call: unreachable }],
    authenticator,
    registry: createMetricsRegistry({ service: 'api-gateway-test' }),
    rateLimit: { limiter: createMemoryRateLimiter() },
    ...extra,
  });
}

const preflight = (origin: string) => ({
  method: 'OPTIONS' as const,
  url: '/v1/api-tokens',
  headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, idempotency-key' },
});

describe('CORS', () => {
  it('allows a listed origin exactly, with the headers a browser client needs', async () => {
    const gateway = await app({ corsOrigins: ['https://app.example.com'] });
    try {
      const response = await gateway.inject(preflight('https://app.example.com'));
      expect(response.statusCode).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(String(response.headers['access-control-allow-headers'])).toContain('idempotency-key');
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
      const simple = await gateway.inject({ method: 'GET', url: '/v1/nowhere', headers: { origin: 'https://app.example.com' } });
      expect(simple.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(String(simple.headers['access-control-expose-headers'])).toContain('x-request-id');
    } finally {
      await gateway.close();
    }
  });

  it('gives a preflight from an unlisted origin no allow header, and never reflects an origin', async () => {
    const gateway = await app({ corsOrigins: ['https://app.example.com'] });
    try {
      for (const origin of ['https://evil.example', 'https://app.example.com.evil.example', 'null', 'http://app.example.com']) {
        const response = await gateway.inject(preflight(origin));
        expect(response.headers['access-control-allow-origin'], origin).toBeUndefined();
        const simple = await gateway.inject({ method: 'GET', url: '/v1/api-tokens/scopes', headers: { origin } });
        expect(simple.headers['access-control-allow-origin'], origin).toBeUndefined();
      }
    } finally {
      await gateway.close();
    }
  });

  it('sends no CORS headers at all without CORS_ORIGINS', async () => {
    const gateway = await app();
    try {
      const response = await gateway.inject(preflight('https://app.example.com'));
      expect(response.statusCode).toBe(404);
      expect(Object.keys(response.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    } finally {
      await gateway.close();
    }
  });
});

describe('HTTP metrics', () => {
  it('times requests by method, route template and status, with one label for unmatched paths', async () => {
    const registry = createMetricsRegistry({ service: 'api-gateway-test' });
    const gateway = await app({ registry });
    try {
      await gateway.inject({ method: 'GET', url: '/v1/api-tokens/scopes' }); // 401: no token
      await gateway.inject({ method: 'DELETE', url: '/v1/api-tokens/0190d6a0-0000-7000-8000-000000000001' });
      for (const path of ['/v1/probe-1', '/v1/probe-2', '/v1/probe-3']) await gateway.inject({ method: 'GET', url: path });
      const text = await registry.metrics();
      expect(text).toContain('causeloop_http_server_duration_seconds_count{service="api-gateway-test",method="GET",route="/v1/api-tokens/scopes",status="401"');
      expect(text).toContain('causeloop_http_server_duration_seconds_count{service="api-gateway-test",method="DELETE",route="/v1/api-tokens/:token_id",status="401"');
      expect(text).toContain('causeloop_http_server_duration_seconds_count{service="api-gateway-test",method="other",route="unmatched",status="404"');
      expect(text).not.toContain('probe-');
    } finally {
      await gateway.close();
    }
  });
});

describe('security headers', () => {
  it('puts HSTS, nosniff, DENY and no-store on answers and errors alike, with no Server or X-Powered-By', async () => {
    const gateway = await app();
    try {
      for (const response of [
        await gateway.inject({ method: 'GET', url: '/openapi.json' }),
        await gateway.inject({ method: 'GET', url: '/v1/nowhere' }),
        await gateway.inject({ method: 'POST', url: '/v1/auth/exchange', headers: { 'content-type': 'application/json' }, payload: '{' }),
      ]) {
        expect(response.headers['strict-transport-security']).toBe('max-age=31536000');
        expect(response.headers['x-content-type-options']).toBe('nosniff');
        expect(response.headers['x-frame-options']).toBe('DENY');
        expect(response.headers['cache-control']).toBe('no-store');
        expect(response.headers['server']).toBeUndefined();
        expect(response.headers['x-powered-by']).toBeUndefined();
      }
    } finally {
      await gateway.close();
    }
  });
});

describe('TLS termination', () => {
  it('serves HTTP/2 and HTTP/1.1 over TLS 1.2+, and refuses TLS 1.1', async () => {
    const certificate = await createTestCertificate();
    const gateway = await app({ tls: { cert: Buffer.from(certificate.cert), key: Buffer.from(certificate.key) } });
    await gateway.listen({ host: '127.0.0.1', port: 0 });
    const address = gateway.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      // HTTP/2 (ALPN h2)
      const session = http2Connect(`https://127.0.0.1:${port}`, { ca: certificate.cert });
      const stream = session.request({ ':path': '/v1/nowhere' });
      const [headers] = (await once(stream, 'response')) as [Record<string, string | number>];
      stream.resume();
      await once(stream, 'end');
      session.close();
      expect(headers[':status']).toBe(404);
      expect(headers['strict-transport-security']).toBe('max-age=31536000');

      // HTTP/1.1 fallback for clients without h2
      const http1 = await new Promise<{ status: number; version: string }>((resolve, reject) => {
        const request = httpsRequest({ host: '127.0.0.1', port, path: '/openapi.json', ca: certificate.cert }, (response) => {
          response.resume();
          resolve({ status: response.statusCode ?? 0, version: response.httpVersion });
        });
        request.on('error', reject);
        request.end();
      });
      expect(http1).toEqual({ status: 200, version: '1.1' });

      // A client capped at TLS 1.1 does not get a connection.
      const refused = await new Promise<boolean>((resolve) => {
        const socket = tlsConnect({ host: '127.0.0.1', port, ca: certificate.cert, maxVersion: 'TLSv1.1', minVersion: 'TLSv1' });
        socket.on('secureConnect', () => {
          socket.destroy();
          resolve(false);
        });
        socket.on('error', () => resolve(true));
      });
      expect(refused).toBe(true);
    } finally {
      await gateway.close();
    }
  });

  it('picks up a renewed certificate without a restart', async () => {
    const first = await createTestCertificate('first.localhost');
    const renewed = await createTestCertificate('renewed.localhost');
    const server = createSecureServer({ cert: first.cert, key: first.key, allowHTTP1: true }, (_request, response) => response.end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const logger = createLogger({ service: 'api-gateway-test', level: 'silent' });
    const stop = reloadTlsOnChange(server, first, logger, 20);
    const servedCommonName = () =>
      new Promise<string>((resolve, reject) => {
        const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
          resolve(String(socket.getPeerCertificate().subject.CN));
          socket.destroy();
        });
        socket.on('error', reject);
      });
    try {
      expect(await servedCommonName()).toBe('first.localhost');
      // cert-manager rewrites both files of the mounted Secret.
      await writeFile(first.certFile, renewed.cert);
      await writeFile(first.keyFile, renewed.key);
      await expect.poll(servedCommonName, { timeout: 5_000, interval: 50 }).toBe('renewed.localhost');
    } finally {
      stop();
      server.close();
    }
  });
});
