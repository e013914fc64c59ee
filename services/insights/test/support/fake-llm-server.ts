import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake server received, as sent by the SDK. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
  /** performance.now() when the request arrived. */
  readonly receivedAt: number;
}

/** An answer: a status with a JSON body (and headers), or `hang` (headers never come). */
export type FakeReply = { readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body: unknown } | 'hang';

export type ReplyScript = (request: ReceivedRequest, index: number) => FakeReply;

export interface FakeLlmServer {
  /** The base URL the SDK is given (`http://127.0.0.1:<port>` plus the API's prefix). */
  readonly baseURL: string;
  readonly requests: readonly ReceivedRequest[];
  /** The replies, in order; past the last one the last repeats. */
  reply(...replies: readonly (FakeReply | ReplyScript)[]): void;
  close(): Promise<void>;
}

/**
 * A local HTTP server standing in for a provider's API, so the real SDK runs against it:
 * every request is recorded and answered with the next scripted reply. `hang` holds the
 * request open, as a stuck upstream does, until the client gives up or the server closes.
 */
export async function startFakeLlmServer(options: { readonly pathPrefix: string; readonly requestIdHeader: string }): Promise<FakeLlmServer> {
  const requests: ReceivedRequest[] = [];
  let script: (FakeReply | ReplyScript)[] = [];
  const hanging = new Set<ServerResponse>();
  let served = 0;

  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const request: ReceivedRequest = {
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        headers: incoming.headers,
        body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
        receivedAt: performance.now(),
      };
      requests.push(request);
      const index = served++;
      const next = script[Math.min(index, script.length - 1)];
      const reply = typeof next === 'function' ? next(request, index) : next;
      if (reply === undefined) throw new Error('the fake LLM server has no reply scripted');
      if (reply === 'hang') {
        hanging.add(response);
        response.on('close', () => hanging.delete(response));
        return;
      }
      response.writeHead(reply.status, {
        'content-type': 'application/json',
        [options.requestIdHeader]: `req_${index + 1}`,
        ...reply.headers,
      });
      response.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}${options.pathPrefix}`,
    requests,
    reply(...replies) {
      script = [...replies];
      served = 0;
      requests.length = 0;
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
