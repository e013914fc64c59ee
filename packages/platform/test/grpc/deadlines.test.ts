import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCauseloopError } from '../../src/errors/causeloop-error.js';
import { GrpcStatus } from '../../src/errors/grpc-status.js';
import { grpcStatusOf } from '../../src/grpc-client/error-mapping.js';
import { startEcho, type EchoHarness } from './echo-fixture.js';

describe('deadlines and cancellation', () => {
  let echo: EchoHarness;

  beforeAll(async () => {
    echo = await startEcho();
  });
  afterAll(async () => {
    await echo.close();
  });

  it('fails a call past its deadline with deadline_exceeded and aborts the handler', async () => {
    const error: unknown = await echo.client.echo({ message: 'slow', delayMs: 2_000 }, { deadlineMs: 100 }).catch((e: unknown) => e);
    expect(isCauseloopError(error) && error.code).toBe('deadline_exceeded');
    expect(grpcStatusOf(error)).toBe(GrpcStatus.DEADLINE_EXCEEDED);
    const context = echo.contexts.at(-1)!;
    expect(context.deadline).toBeInstanceOf(Date);
    await expect.poll(() => context.signal.aborted).toBe(true);
    expect(isCauseloopError(context.signal.reason) && context.signal.reason.code).toBe('deadline_exceeded');
  });

  it('gives every call the default deadline', async () => {
    const client = echo.newClient({ defaultDeadlineMs: 150 });
    const error: unknown = await client.echo({ message: 'slow', delayMs: 2_000 }).catch((e: unknown) => e);
    expect(isCauseloopError(error) && error.code).toBe('deadline_exceeded');
  });

  it('cancels the call when the caller aborts, and the handler sees it', async () => {
    const controller = new AbortController();
    const pending = echo.client.echo({ message: 'slow', delayMs: 2_000 }, { signal: controller.signal });
    await expect.poll(() => echo.server.inFlightCalls).toBe(1);
    const context = echo.contexts.at(-1)!;
    controller.abort(new Error('caller gave up'));
    await expect(pending).rejects.toThrow('caller gave up');
    await expect.poll(() => context.signal.aborted).toBe(true);
    await expect.poll(() => echo.server.inFlightCalls).toBe(0);
  });

  it('answers a call that finishes in time', async () => {
    const response = await echo.client.echo({ message: 'hi', delayMs: 10 }, { deadlineMs: 2_000 });
    expect(response.message).toBe('hi');
  });
});
