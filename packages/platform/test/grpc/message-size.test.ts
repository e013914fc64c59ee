import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GrpcStatus } from '../../src/errors/grpc-status.js';
import { grpcStatusOf } from '../../src/grpc-client/error-mapping.js';
import { startEcho, type EchoHarness } from './echo-fixture.js';

describe('message size limits', () => {
  let echo: EchoHarness;

  beforeAll(async () => {
    echo = await startEcho({ server: { maxReceiveMessageBytes: 1_024, maxSendMessageBytes: 1_024 } });
  });
  afterAll(async () => {
    await echo.close();
  });

  it('refuses a request over the server limit with RESOURCE_EXHAUSTED', async () => {
    const error = await echo.client.echo({ message: 'x'.repeat(2_048) }).catch((e: unknown) => e);
    expect(grpcStatusOf(error)).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
  });

  it('refuses a response over the client limit with RESOURCE_EXHAUSTED', async () => {
    const client = echo.newClient({ channelOptions: { 'grpc.max_receive_message_length': 16 } });
    const error = await client.echo({ message: 'y'.repeat(100) }).catch((e: unknown) => e);
    expect(grpcStatusOf(error)).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
  });

  it('serves a request under the limit', async () => {
    expect((await echo.client.echo({ message: 'small' })).message).toBe('small');
  });
});
