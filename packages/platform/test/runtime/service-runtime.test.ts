import { describe, expect, it } from 'vitest';
import { createServiceRuntime } from '@causeloop/platform/runtime';

describe('service runtime', () => {
  it('is not ready until start-up says it is over, whatever else passes', async () => {
    const runtime = createServiceRuntime({ service: 'test', logLevel: 'silent', shutdownDrainMs: 1_000 });
    runtime.readiness.register('database', async () => {});
    expect(await runtime.readiness.report()).toEqual({ ready: false, checks: { startup: 'failing', database: 'ok' } });
    runtime.started();
    expect(await runtime.readiness.report()).toEqual({ ready: true, checks: { startup: 'ok', database: 'ok' } });
  });
});
