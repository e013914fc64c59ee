import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@causeloop/platform/log';
import { createMetricsRegistry } from '@causeloop/platform/metrics';
import { createOpsServer, createReadiness, type OpsServer } from '@causeloop/platform/ops';

const logger = createLogger({ service: 'test', level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });
let server: OpsServer | undefined;

async function start(readiness = createReadiness()): Promise<string> {
  server = createOpsServer({ registry: createMetricsRegistry({ service: 'test' }), readiness, logger });
  const port = await server.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${port}`;
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('ops server', () => {
  it('answers liveness with {"status":"ok"}', async () => {
    const base = await start();
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is ready only while every registered check passes', async () => {
    const readiness = createReadiness({ checkTimeoutMs: 200 });
    let databaseUp = true;
    readiness.register('database', async () => {
      if (!databaseUp) throw new Error('connection refused');
    });
    readiness.register('slow-channel', () => new Promise((resolve) => setTimeout(resolve, 10)));
    const base = await start(readiness);

    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', 'slow-channel': 'ok' } });

    databaseUp = false;
    const down = await fetch(`${base}/ready`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'unavailable', checks: { database: 'failing', 'slow-channel': 'ok' } });
  });

  it('fails a check that hangs past its timeout', async () => {
    const readiness = createReadiness({ checkTimeoutMs: 50 });
    readiness.register('hung', () => new Promise(() => {}));
    const base = await start(readiness);
    expect((await fetch(`${base}/ready`)).status).toBe(503);
  });

  it('reports not ready once draining, even with healthy dependencies', async () => {
    const readiness = createReadiness();
    readiness.register('database', async () => {});
    const base = await start(readiness);
    readiness.startDraining();
    const response = await fetch(`${base}/ready`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ checks: { shutdown: 'draining' } });
  });

  it('serves Prometheus metrics with default process metrics', async () => {
    const base = await start();
    const response = await fetch(`${base}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toContain('process_cpu_user_seconds_total{service="test"}');
  });

  it('answers unknown paths with 404', async () => {
    const base = await start();
    expect((await fetch(`${base}/admin`)).status).toBe(404);
  });
});
