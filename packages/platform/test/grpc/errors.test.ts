import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CauseloopError, isCauseloopError } from '../../src/errors/causeloop-error.js';
import { GrpcStatus } from '../../src/errors/grpc-status.js';
import { grpcStatusOf } from '../../src/grpc-client/error-mapping.js';
import { startEcho, type EchoHarness } from './echo-fixture.js';

describe('errors across the wire', () => {
  let echo: EchoHarness;

  beforeAll(async () => {
    echo = await startEcho({
      impl: {
        echo: async (request) => {
          if (request.message === 'unprocessable') {
            throw new CauseloopError('unprocessable', 'message is not allowed', {
              violations: [{ field: 'message', description: 'must not be "unprocessable"' }],
            });
          }
          if (request.message === 'missing') throw new CauseloopError('not_found', 'widget 42 not found');
          throw new Error('connection to postgres://app:hunter2@db failed');
        },
      },
    });
  });
  afterAll(async () => {
    await echo.close();
  });

  const failure = (message: string): Promise<unknown> => echo.client.echo({ message }).catch((e: unknown) => e);

  it('delivers a CauseloopError with its code and message', async () => {
    const error = await failure('missing');
    expect(isCauseloopError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'not_found', message: 'widget 42 not found' });
    expect(grpcStatusOf(error)).toBe(GrpcStatus.NOT_FOUND);
  });

  it('keeps the exact code (not just the gRPC status) and the violations', async () => {
    const error = await failure('unprocessable');
    expect(error).toMatchObject({
      code: 'unprocessable',
      violations: [{ field: 'message', description: 'must not be "unprocessable"' }],
    });
    expect(grpcStatusOf(error)).toBe(GrpcStatus.FAILED_PRECONDITION);
  });

  it('turns any other error into INTERNAL "internal error" and only logs the real one', async () => {
    const error = await failure('boom');
    expect(error).toMatchObject({ code: 'internal', message: 'internal error' });
    expect(grpcStatusOf(error)).toBe(GrpcStatus.INTERNAL);
    expect(JSON.stringify(error)).not.toContain('hunter2');
    expect(String((error as Error).message)).not.toContain('postgres');
    const logged = echo.logs.find((line) => line['message'] === 'handler failed');
    expect(logged).toMatchObject({ rpc: 'causeloop.testing.v1.EchoService/Echo', level: 'error' });
  });
});
