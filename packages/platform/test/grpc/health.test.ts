import { credentials, makeGenericClientConstructor, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEcho, type EchoHarness } from './echo-fixture.js';

// A plain grpc-js client from the health proto, as a kubelet or grpc_health_probe would call.
const HealthClient = makeGenericClientConstructor(healthService, 'Health');
type HealthResponse = { status: string };

describe('grpc.health.v1.Health', () => {
  let echo: EchoHarness;
  let health: InstanceType<typeof HealthClient>;

  beforeAll(async () => {
    echo = await startEcho();
    health = new HealthClient(`127.0.0.1:${echo.port}`, credentials.createInsecure());
  });
  afterAll(async () => {
    health.close();
    await echo.close();
  });

  const check = (service: string): Promise<string> =>
    new Promise((resolve, reject) => {
      health['check']!({ service }, (error: ServiceError | null, response: HealthResponse) =>
        error === null ? resolve(response.status) : reject(error),
      );
    });

  it('answers SERVING for the server and for each added service once started', async () => {
    expect(await check('')).toBe('SERVING');
    expect(await check('causeloop.testing.v1.EchoService')).toBe('SERVING');
  });

  it('answers NOT_SERVING after setServing(false), and SERVING again after setServing(true)', async () => {
    echo.server.setServing(false);
    expect(await check('')).toBe('NOT_SERVING');
    expect(await check('causeloop.testing.v1.EchoService')).toBe('NOT_SERVING');
    echo.server.setServing(true);
    expect(await check('')).toBe('SERVING');
  });

  it('streams status changes to Watch', async () => {
    const call = health['watch']!({ service: 'causeloop.testing.v1.EchoService' }) as ClientReadableStream<HealthResponse>;
    const seen: string[] = [];
    const changed = new Promise<void>((resolve) => {
      call.on('data', (response: HealthResponse) => {
        seen.push(response.status);
        if (seen.length === 1) echo.server.setServing(false);
        if (seen.length === 2) resolve();
      });
    });
    call.on('error', () => undefined); // the cancel below ends the stream with CANCELLED
    await changed;
    call.cancel();
    echo.server.setServing(true);
    expect(seen).toEqual(['SERVING', 'NOT_SERVING']);
  });
});
