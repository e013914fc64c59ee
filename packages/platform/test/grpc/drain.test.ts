import { describe, expect, it } from 'vitest';
import { isCauseloopError } from '../../src/errors/causeloop-error.js';
import { startEcho } from './echo-fixture.js';

describe('drain', () => {
  it('lets an in-flight call finish and refuses new calls', async () => {
    const echo = await startEcho();
    const inFlight = echo.client.echo({ message: 'finishing', delayMs: 300 });
    await expect.poll(() => echo.server.inFlightCalls).toBe(1);

    const drained = echo.server.drain(5_000);
    const refused: unknown = await echo.newClient().echo({ message: 'too late' }, { deadlineMs: 1_000 }).catch((e: unknown) => e);

    expect((await inFlight).message).toBe('finishing');
    expect(isCauseloopError(refused) && refused.code).toBe('unavailable');
    await drained;
    expect(echo.logs.some((line) => line['message'] === 'grpc server drained')).toBe(true);
    echo.client.close();
  });

  it('cuts calls still running at the drain deadline and says how many', async () => {
    const echo = await startEcho();
    const longCall = echo.client.echo({ message: 'too long', delayMs: 5_000 }).catch((e: unknown) => e);
    await expect.poll(() => echo.server.inFlightCalls).toBe(1);
    const context = echo.contexts.at(-1)!;

    const startedAt = Date.now();
    await echo.server.drain(200);
    expect(Date.now() - startedAt).toBeLessThan(1_000);

    const error = await longCall;
    expect(isCauseloopError(error)).toBe(true);
    await expect.poll(() => context.signal.aborted).toBe(true);
    const cut = echo.logs.find((line) => line['cut_calls'] !== undefined);
    expect(cut).toMatchObject({ cut_calls: 1, level: 'warn' });
    echo.client.close();
  });
});
