import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { credentials, makeGenericClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { EchoService } from '@causeloop/proto/causeloop/testing/v1/echo_pb.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isCauseloopError } from '@causeloop/platform/errors';
import { createGrpcClient } from '@causeloop/platform/grpc';
import {
  createTestDatabase,
  runServiceProcessToExit,
  startServiceProcess,
  type ServiceProcess,
  type TestDatabase,
} from '../../src/testing/index.js';

const repositoryRoot = path.resolve(import.meta.dirname, '../../../..');
const fixture = path.join(repositoryRoot, 'packages/platform/test/fixtures/echo-service.ts');
const HealthClient = makeGenericClientConstructor(healthService, 'Health');

const service = (environment: Record<string, string>) => ({
  main: fixture,
  cwd: repositoryRoot,
  // Tracing registered the way the image starts every service; run from the built
  // packages (`tsc -b`, which `npm test` runs first).
  execArgv: ['--import', '@causeloop/platform/tracing/register'],
  env: environment,
});
const startService = (environment: Record<string, string>) => startServiceProcess(service(environment));
const runToExit = (environment: Record<string, string>) => runServiceProcessToExit(service(environment));

function healthStatus(address: string): Promise<string> {
  const client = new HealthClient(address, credentials.createInsecure());
  return new Promise<string>((resolve, reject) => {
    client['check']!({ service: '' }, (error: ServiceError | null, response: { status: string }) =>
      error === null ? resolve(response.status) : reject(error),
    );
  }).finally(() => client.close());
}

describe('a service built on the platform, as a real process', () => {
  let database: TestDatabase;
  let running: ServiceProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => {
    running?.child.kill('SIGKILL');
    running = undefined;
  });
  afterAll(async () => {
    await database.drop();
  });

  it('serves health, readiness, calls and metrics', async () => {
    running = await startService({ DATABASE_URL: database.appUrl });
    expect(await healthStatus(running.grpcAddress)).toBe('SERVING');
    const ready = await fetch(`${running.opsUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { startup: 'ok', database: 'ok' } });

    const client = createGrpcClient(EchoService, { address: running.grpcAddress, defaultDeadlineMs: 5_000 });
    expect((await client.echo({ message: 'hello' })).message).toBe('hello');
    const late = await client.echo({ message: 'late', delayMs: 2_000 }, { deadlineMs: 100 }).catch((error: unknown) => error);
    expect(isCauseloopError(late) && late.code).toBe('deadline_exceeded');
    client.close();

    const metrics = await (await fetch(`${running.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /causeloop_grpc_server_requests_total\{[^}]*grpc_method="Echo"[^}]*grpc_code="OK"[^}]*\} 1/,
    );
  });

  it('on SIGTERM stops being ready, drains the in-flight call, then exits 0', async () => {
    running = await startService({ DATABASE_URL: database.appUrl, SHUTDOWN_DRAIN_MS: '5000' });
    const client = createGrpcClient(EchoService, { address: running.grpcAddress, defaultDeadlineMs: 5_000 });
    const inFlight = client.echo({ message: 'finish me', delayMs: 1_500 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    running.child.kill('SIGTERM');

    // Readiness answers 503 while the call drains, so no new traffic is routed here.
    await expect.poll(async () => (await fetch(`${running!.opsUrl}/ready`)).status, { timeout: 1_000 }).toBe(503);
    expect((await inFlight).message).toBe('finish me');
    expect(await running.exited).toBe(0);
    expect(running.lines.map((line) => line['message'])).toContain('shutdown complete');
    client.close();
  });

  it('exports spans over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
    // A stand-in collector speaking OTLP/HTTP: it records what the exporter posts.
    const received: { path: string; body: Buffer }[] = [];
    const collector = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ path: request.url ?? '', body: Buffer.concat(chunks) });
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    try {
      running = await startService({
        DATABASE_URL: database.appUrl,
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_SERVICE_NAME: 'echo',
      });
      const client = createGrpcClient(EchoService, { address: running.grpcAddress, defaultDeadlineMs: 5_000 });
      await client.echo({ message: 'traced' });
      client.close();
      running.child.kill('SIGTERM');
      expect(await running.exited).toBe(0);
      const traces = received.filter((request) => request.path === '/v1/traces');
      expect(traces.length).toBeGreaterThan(0);
      expect(Buffer.concat(traces.map((request) => request.body)).toString('latin1')).toContain('EchoService/Echo');
    } finally {
      collector.close();
    }
  });

  it('refuses to start when connected as a superuser, saying why', async () => {
    const { code, output } = await runToExit({ DATABASE_URL: database.adminUrl });
    expect(code).toBe(1);
    expect(output).toContain('which is a superuser');
    expect(output).not.toContain(new URL(database.adminUrl).password);
  });

  it('is the example docs/writing-a-service.md shows, line for line', async () => {
    const guide = await readFile(path.join(repositoryRoot, 'docs/writing-a-service.md'), 'utf8');
    const example = /<!-- example-service -->\n```ts\n([\s\S]*?)```/.exec(guide)?.[1];
    expect(example, 'docs/writing-a-service.md lost its service example').toBeDefined();
    expect(await readFile(fixture, 'utf8')).toContain(example!);
  });

  it('refuses to start with bad configuration, naming every bad variable', async () => {
    const { code, output } = await runToExit({ GRPC_PORT: 'fifty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    expect(code).toBe(1);
    expect(output).toContain('GRPC_PORT must be a port number');
    expect(output).toContain('LOG_LEVEL must be one of');
    expect(output).toContain('DATABASE_URL must use postgres or postgresql');
  });
});
