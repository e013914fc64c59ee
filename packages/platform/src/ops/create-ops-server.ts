import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../log/create-logger.js';
import type { Readiness } from './readiness.js';

export interface OpsServerOptions {
  readonly registry: Registry;
  readonly readiness: Readiness;
  readonly logger: Logger;
}

export interface OpsServer {
  /** Listens and resolves to the bound port (0 picks a free one). */
  listen(options: { port: number; host?: string }): Promise<number>;
  close(): Promise<void>;
}

/**
 * The operations endpoint every process serves on its ops port (9090 in a cluster):
 * `/health` for liveness, `/ready` for readiness, `/metrics` for Prometheus. Kept apart
 * from the API ports so probes and scrapes never pass through auth or rate limits.
 */
export function createOpsServer(options: OpsServerOptions): OpsServer {
  const { registry, readiness, logger } = options;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://ops').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return send(response, 405, 'application/json', JSON.stringify({ status: 'method_not_allowed' }));
    }
    switch (path) {
      case '/health':
        // Liveness only says the event loop answers: a failing dependency must not get
        // the pod restarted, that is what readiness is for.
        return send(response, 200, 'application/json', JSON.stringify({ status: 'ok' }));
      case '/ready': {
        const report = await readiness.report();
        const body = JSON.stringify({ status: report.ready ? 'ready' : 'unavailable', checks: report.checks });
        return send(response, report.ready ? 200 : 503, 'application/json', body);
      }
      case '/metrics':
        return send(response, 200, registry.contentType, await registry.metrics());
      default:
        return send(response, 404, 'application/json', JSON.stringify({ status: 'not_found' }));
    }
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error({ err: error }, 'ops request failed');
      if (!response.headersSent) send(response, 500, 'application/json', JSON.stringify({ status: 'error' }));
    });
  });

  return {
    listen: ({ port, host }) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(body);
}
