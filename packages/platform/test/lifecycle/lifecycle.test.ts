import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLifecycle } from '@causeloop/platform/lifecycle';
import { createLogger } from '@causeloop/platform/log';

const logger = createLogger({ service: 'test', level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });

describe('lifecycle', () => {
  it('runs before-shutdown, then drain, then shutdown hooks in reverse order, once', async () => {
    const lifecycle = createLifecycle({ logger, drainMs: 1_000 });
    const order: string[] = [];
    lifecycle.onShutdown('close pool', () => void order.push('close pool'));
    lifecycle.onShutdown('flush telemetry', () => void order.push('flush telemetry'));
    lifecycle.onDrain('grpc', async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('drain grpc');
    });
    lifecycle.onBeforeShutdown('readiness', () => void order.push('not ready'));

    await Promise.all([lifecycle.shutdown('test'), lifecycle.shutdown('again')]);
    expect(order).toEqual(['not ready', 'drain grpc', 'flush telemetry', 'close pool']);
  });

  it('gives every hook the same deadline, drainMs from the start', async () => {
    const lifecycle = createLifecycle({ logger, drainMs: 5_000 });
    const deadlines: number[] = [];
    const started = Date.now();
    lifecycle.onDrain('a', (deadline) => void deadlines.push(deadline.getTime()));
    lifecycle.onShutdown('b', (deadline) => void deadlines.push(deadline.getTime()));
    await lifecycle.shutdown('test');
    expect(new Set(deadlines).size).toBe(1);
    expect(deadlines[0]).toBeGreaterThanOrEqual(started + 5_000);
  });

  it('keeps going when a step fails', async () => {
    const lifecycle = createLifecycle({ logger, drainMs: 1_000 });
    let poolClosed = false;
    lifecycle.onShutdown('close pool', () => void (poolClosed = true));
    lifecycle.onDrain('grpc', () => Promise.reject(new Error('boom')));
    await lifecycle.shutdown('test');
    expect(poolClosed).toBe(true);
  });
});
