import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, isCauseloopClientError, type CauseloopClient, type CauseloopClientError } from '../src/index.js';

// A peer that accepts TCP connections and never answers, as a hung pod or a half-dead
// proxy does: only the deadline ends a call to it.
let blackHole: Server;
let address: string;
const sockets = new Set<Socket>();
beforeAll(async () => {
  blackHole = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  const bound = blackHole.address();
  if (bound === null || typeof bound === 'string') throw new Error('no port');
  address = `127.0.0.1:${bound.port}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => blackHole.close(() => resolve()));
});

const token = 'clp_sa_deadlinetesttokendeadlinetesttoken000000';

async function failure(call: Promise<unknown>): Promise<CauseloopClientError> {
  const error: unknown = await call.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(isCauseloopClientError(error), String(error)).toBe(true);
  return error as CauseloopClientError;
}

describe('deadlines', () => {
  let client: CauseloopClient | undefined;
  afterAll(() => client?.close());

  it('ends a call that names no deadline at the client default, as DEADLINE_EXCEEDED', async () => {
    client = createClient({ address, token, defaultDeadlineMs: 300 });
    const error = await failure(client.workspaces.getWorkspace({ workspaceId: '0192d1b0-0000-7000-8000-000000000001' }));
    expect(error.grpcCodeName).toBe('DEADLINE_EXCEEDED');
    expect(error.grpcCode).toBe(4);
    expect(error.code).toBe('deadline_exceeded');
    expect(error.rpc).toBe('causeloop.tenancy.v1.WorkspaceService/GetWorkspace');
  });

  it('ends a call at its own deadline when it names one, however long the default', async () => {
    // A default this long would outlast the test: only the per-call deadline can end the call.
    const patient = createClient({ address, token, defaultDeadlineMs: 3_600_000 });
    try {
      const error = await failure(patient.members.listMembers({ workspaceId: '0192d1b0-0000-7000-8000-000000000001' }, { deadlineMs: 300 }));
      expect(error.grpcCodeName).toBe('DEADLINE_EXCEEDED');
      expect(error.code).toBe('deadline_exceeded');
    } finally {
      patient.close();
    }
  });

  it('does not retry a read that ran out of time: DEADLINE_EXCEEDED is final', async () => {
    const retries: string[] = [];
    const retrying = createClient({ address, token, defaultDeadlineMs: 300, onRetry: (event) => retries.push(event.rpc) });
    try {
      const error = await failure(retrying.workspaces.getRetention({ workspaceId: '0192d1b0-0000-7000-8000-000000000001' }));
      expect(error.grpcCodeName).toBe('DEADLINE_EXCEEDED');
      expect(retries).toEqual([]);
    } finally {
      retrying.close();
    }
  });
});
