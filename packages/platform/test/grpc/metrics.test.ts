import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGrpcMetrics } from '../../src/metrics/grpc-metrics.js';
import { startEcho, type EchoHarness } from './echo-fixture.js';

describe('gRPC metrics', () => {
  let echo: EchoHarness;

  beforeAll(async () => {
    echo = await startEcho();
  });
  afterAll(async () => {
    await echo.close();
  });

  it('counts server and client calls by service, method and status name', async () => {
    await echo.client.echo({ message: 'one' });
    await echo.client.echo({ message: 'slow', delayMs: 1_000 }, { deadlineMs: 50 }).catch(() => undefined);
    const labels = 'grpc_service="causeloop.testing.v1.EchoService",grpc_method="Echo"';
    await expect.poll(() => echo.registry.metrics()).toContain(`causeloop_grpc_server_requests_total{${labels},grpc_code="DEADLINE_EXCEEDED"} 1`);
    const text = await echo.registry.metrics();
    expect(text).toContain(`causeloop_grpc_server_requests_total{${labels},grpc_code="OK"} 1`);
    expect(text).toContain(`causeloop_grpc_client_requests_total{${labels},grpc_code="OK"} 1`);
    expect(text).toContain(`causeloop_grpc_client_requests_total{${labels},grpc_code="DEADLINE_EXCEEDED"} 1`);
    expect(text).toContain(`causeloop_grpc_server_duration_seconds_count{${labels},grpc_code="OK"} 1`);
    expect(text).toContain(`causeloop_grpc_client_duration_seconds_bucket{le="+Inf",${labels},grpc_code="OK"} 1`);
  });

  it('writes one access-log line per call, without metadata values', async () => {
    await echo.client.echo({ message: 'logged' }, { metadata: { authorization: 'Bearer sekrit', 'x-request-id': 'req-123' } });
    const line = echo.logs.find((entry) => entry['message'] === 'grpc call' && entry['request_id'] === 'req-123');
    expect(line).toMatchObject({ rpc: 'causeloop.testing.v1.EchoService/Echo', code: 'OK', level: 'info' });
    expect(typeof line?.['duration_ms']).toBe('number');
    expect(JSON.stringify(echo.logs)).not.toContain('sekrit');
    expect(echo.contexts.at(-1)?.requestId).toBe('req-123');
  });

  it('declares the metrics once per registry', () => {
    const registry = new Registry();
    const first = createGrpcMetrics(registry);
    expect(createGrpcMetrics(registry).serverRequests).toBe(first.serverRequests);
  });
});
