import { EchoService } from '@causeloop/proto/causeloop/testing/v1/echo_pb.js';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCauseloopError } from '../../src/errors/causeloop-error.js';
import type { GrpcClient } from '../../src/grpc-client/create-base-grpc-client.js';
import { createGrpcClient } from '../../src/grpc/create-grpc-client.js';
import { startEcho, type EchoHarness } from './echo-fixture.js';

describe('deadlines across a chain of calls', () => {
  let downstream: EchoHarness;
  let upstream: EchoHarness;
  let downstreamClient: GrpcClient<typeof EchoService>;
  const downstreamOutcomes: { elapsedMs: number; code: string | false }[] = [];

  beforeAll(async () => {
    // What the platform's tracing registers in a real process (this file runs in its own fork).
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    downstream = await startEcho();
    downstreamClient = createGrpcClient(EchoService, {
      address: `127.0.0.1:${downstream.port}`,
      // Generous on purpose: only the inherited deadline can stop the call early.
      defaultDeadlineMs: 10_000,
    });
    // The upstream handler calls downstream, as a service calling crypto or auth would.
    upstream = await startEcho({
      impl: {
        echo: async (request) => {
          const started = Date.now();
          try {
            return await downstreamClient.echo({ message: request.message, delayMs: request.delayMs });
          } catch (error) {
            downstreamOutcomes.push({ elapsedMs: Date.now() - started, code: isCauseloopError(error) && error.code });
            throw error;
          }
        },
      },
    });
  });
  afterAll(async () => {
    downstreamClient.close();
    await upstream.close();
    await downstream.close();
    context.disable();
  });

  it("caps a handler's outgoing call at the deadline of the call it serves", async () => {
    const failure = await upstream.client
      .echo({ message: 'slow', delayMs: 3_000 }, { deadlineMs: 300 })
      .catch((error: unknown) => error);
    expect(isCauseloopError(failure) && failure.code).toBe('deadline_exceeded');
    await expect.poll(() => downstreamOutcomes.length).toBe(1);
    expect(downstreamOutcomes[0]?.code).toBe('deadline_exceeded');
    expect(downstreamOutcomes[0]?.elapsedMs).toBeLessThan(2_000);
  });

  it('leaves calls made outside any handler on their own deadline', async () => {
    const reply = await downstreamClient.echo({ message: 'direct', delayMs: 400 }, { deadlineMs: 2_000 });
    expect(reply.message).toBe('direct');
  });
});
