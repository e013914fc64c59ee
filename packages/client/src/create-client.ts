import type { DescService } from '@bufbuild/protobuf';
import { CauseloopError, GrpcStatus, type FieldViolation } from '@causeloop/platform/errors';
import { createBaseGrpcClient, type GrpcTls } from '@causeloop/platform/grpc-client';
import { clientChannelOptions } from './channel-options.js';
import { CauseloopClientError } from './causeloop-client-error.js';
import { clientServiceGroups, type ClientServices } from './client-services.js';
import { defaultRetryPolicy, validRetryPolicy, type RetryPolicy } from './retry-policy.js';
import { createServiceClient, type RetryEvent, type ServiceClient } from './service-client.js';

export interface ClientOptions {
  /**
   * gRPC target of tenancy (`workspaces`, `members`, `auditLog`, `governance`), e.g.
   * `dns:///tenancy.causeloop.svc.cluster.local:50051` (a headless service: calls are
   * balanced round-robin over its pods) or `127.0.0.1:50052`.
   */
  readonly address?: string;
  /**
   * gRPC target of insights (`ingest`, `issues`, `patterns`), e.g.
   * `dns:///insights.causeloop.svc.cluster.local:50051`. Give at least one of the two; the
   * services of the one left out reject every call.
   */
  readonly insightsAddress?: string;
  /** A service-account token (`clp_sa_…`), a personal access token or an access token. */
  readonly token: string;
  /** Deadline of a call that names none; 10 s when omitted. */
  readonly defaultDeadlineMs?: number;
  /** Mutual TLS: the client's certificate and key, and the CA the server's certificate is checked against. */
  readonly tls?: GrpcTls;
  /** Retries of reads on UNAVAILABLE; writes are never retried. */
  readonly retry?: Partial<RetryPolicy>;
  /** Called before each retry, e.g. to count them. */
  readonly onRetry?: (event: RetryEvent) => void;
}

export type CauseloopClient = { readonly [K in keyof ClientServices]: ServiceClient<ClientServices[K]> } & {
  /** Closes every channel; calls made afterwards fail. */
  close(): void;
};

export const defaultDeadlineMs = 10_000;

// Printable ASCII without spaces: anything else could not be a token and, in metadata,
// could smuggle a second header.
const tokenShape = /^[\x21-\x7e]+$/;

/**
 * A typed client of Causeloop's services for workloads inside the cluster. Every call
 * carries `authorization: Bearer <token>` and a deadline; reads are retried on
 * UNAVAILABLE; failures reject with a CauseloopClientError. The token is never logged.
 */
export function createClient(options: ClientOptions): CauseloopClient {
  const retry: RetryPolicy = { ...defaultRetryPolicy, ...options.retry };
  const deadlineMs = options.defaultDeadlineMs ?? defaultDeadlineMs;
  const violations: FieldViolation[] = [];
  const addresses = { tenancy: options.address, insights: options.insightsAddress };
  if (options.address === undefined && options.insightsAddress === undefined) {
    violations.push({ field: 'address', description: 'give address (tenancy), insightsAddress or both' });
  }
  if (options.address?.trim() === '') violations.push({ field: 'address', description: 'must name the service, e.g. dns:///tenancy:50051' });
  if (options.insightsAddress?.trim() === '') {
    violations.push({ field: 'insightsAddress', description: 'must name the service, e.g. dns:///insights:50051' });
  }
  // Never echo the token: the violation says what is wrong with it, not what it is.
  if (!tokenShape.test(options.token)) violations.push({ field: 'token', description: 'must be a non-empty token without spaces or control characters' });
  if (!Number.isFinite(deadlineMs) || deadlineMs <= 0) violations.push({ field: 'defaultDeadlineMs', description: 'must be a positive number of milliseconds' });
  if (!validRetryPolicy(retry)) {
    violations.push({ field: 'retry', description: 'maxAttempts must be 1-10 and 0 <= initialBackoffMs <= maxBackoffMs' });
  }
  if (violations.length > 0) {
    throw new CauseloopError('invalid_argument', `invalid client options: ${violations.map((v) => v.field).join(', ')}`, { violations });
  }

  const serviceOptions = { authorization: `Bearer ${options.token}`, defaultDeadlineMs: deadlineMs, retry, onRetry: options.onRetry };
  const closers: (() => void)[] = [];
  const client: Record<string, unknown> = {};
  for (const [group, services] of Object.entries(clientServiceGroups)) {
    const address = addresses[group as keyof typeof addresses];
    for (const [name, service] of Object.entries<DescService>(services)) {
      if (address === undefined) {
        client[name] = unaddressed(service, group === 'tenancy' ? 'address' : 'insightsAddress');
        continue;
      }
      const grpcOptions = {
        address,
        defaultDeadlineMs: deadlineMs,
        channelOptions: clientChannelOptions,
        ...(options.tls === undefined ? {} : { tls: options.tls }),
      };
      // grpc-js shares connections between channels to the same target and options.
      const grpc = createBaseGrpcClient(service, grpcOptions);
      closers.push(() => grpc.close());
      client[name] = createServiceClient(service, grpc, serviceOptions);
    }
  }
  client['close'] = () => {
    for (const close of closers) close();
  };
  return client as CauseloopClient;
}

/** The methods of a service whose address the options left out: each call rejects, saying which option it needs. */
function unaddressed(service: DescService, option: 'address' | 'insightsAddress'): Record<string, () => Promise<never>> {
  const methods: Record<string, () => Promise<never>> = {};
  for (const method of service.methods) {
    const rpc = `${service.typeName}/${method.name}`;
    methods[method.localName] = () =>
      Promise.reject(
        new CauseloopClientError({
          code: 'invalid_argument',
          grpcCode: GrpcStatus.INVALID_ARGUMENT,
          rpc,
          message: `${rpc} needs the client's ${option}: pass it to createClient`,
        }),
      );
  }
  return methods;
}
