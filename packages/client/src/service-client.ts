import type { DescService } from '@bufbuild/protobuf';
import { GrpcStatus } from '@causeloop/platform/errors';
import type { GrpcCallOptions, GrpcClient, UnaryMethods } from '@causeloop/platform/grpc-client';
import { isCauseloopClientError, toClientError, type CauseloopClientError } from './causeloop-client-error.js';
import { backoffDelayMs, isIdempotentRead, type RetryPolicy } from './retry-policy.js';

/** Options of one call. */
export interface CallOptions {
  /** This call's deadline, overriding the client's default; retries never run past it. */
  readonly deadlineMs?: number;
  /** Aborting cancels the call (and any pending retry); it then rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /** Extra metadata; `authorization` is always the client's token. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** One promise-returning method per RPC of a service, keyed by its camelCase name. */
export type ServiceClient<S extends DescService> = UnaryMethods<S, CallOptions>;

/** A retry that is about to happen; for logs and metrics. */
export interface RetryEvent {
  readonly rpc: string;
  /** The attempt that failed, from 1. */
  readonly attempt: number;
  readonly delayMs: number;
  /** The failure that is being retried (always UNAVAILABLE). */
  readonly error: CauseloopClientError;
}

export interface ServiceClientOptions {
  readonly authorization: string;
  readonly defaultDeadlineMs: number;
  readonly retry: RetryPolicy;
  readonly onRetry: ((event: RetryEvent) => void) | undefined;
}

/**
 * Wraps the platform's typed client for one service: the bearer token on every call, one
 * deadline per call shared by all its attempts, reads retried on UNAVAILABLE, and every
 * failure re-typed as a CauseloopClientError.
 */
export function createServiceClient<S extends DescService>(
  service: S,
  grpc: GrpcClient<S>,
  options: ServiceClientOptions,
): ServiceClient<S> {
  const methods: Record<string, unknown> = {};
  const rpcs = grpc as unknown as Record<string, (request: unknown, callOptions: GrpcCallOptions) => Promise<unknown>>;
  for (const method of service.methods) {
    const rpc = `${service.typeName}/${method.name}`;
    const send = rpcs[method.localName];
    if (send === undefined) throw new Error(`the platform client has no method for ${rpc}`);
    const maxAttempts = isIdempotentRead(method) ? options.retry.maxAttempts : 1;
    methods[method.localName] = async (request: unknown, callOptions: CallOptions = {}) => {
      const deadline = Date.now() + (callOptions.deadlineMs ?? options.defaultDeadlineMs);
      const metadata = { ...callOptions.metadata, authorization: options.authorization };
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await send(request, {
            metadata,
            deadlineMs: Math.max(0, deadline - Date.now()),
            ...(callOptions.signal === undefined ? {} : { signal: callOptions.signal }),
          });
        } catch (thrown) {
          const error = toClientError(thrown, rpc);
          if (!isCauseloopClientError(error) || error.grpcCode !== GrpcStatus.UNAVAILABLE || attempt >= maxAttempts) throw error;
          const delayMs = backoffDelayMs(attempt, options.retry);
          // A retry that could only start after the deadline would fail anyway: fail now, honestly.
          if (Date.now() + delayMs >= deadline) throw error;
          options.onRetry?.({ rpc, attempt, delayMs, error });
          await sleep(delayMs, callOptions.signal);
        }
      }
    };
  }
  return methods as ServiceClient<S>;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
