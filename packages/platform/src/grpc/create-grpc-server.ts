import type { DescFile, DescMessage, DescService } from '@bufbuild/protobuf';
import { Server, type ChannelOptions, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { Registry } from 'prom-client';
import { sharedChannelOptions } from '../grpc-client/channel-options.js';
import type { GrpcTls } from '../grpc-client/grpc-tls.js';
import { defaultMaxMessageBytes } from '../grpc-client/message-size.js';
import { createServiceDefinition } from '../grpc-client/service-definition.js';
import type { Logger } from '../log/create-logger.js';
import { createGrpcMetrics } from '../metrics/grpc-metrics.js';
import { createRequestValidator } from '../validation/request-validator.js';
import { createServerAccessLogInterceptor } from './interceptors/server-access-log.js';
import { createServerMetricsInterceptor } from './interceptors/server-metrics.js';
import { createReflectionService } from './reflection.js';
import { validateFirst, validatesOwnRequests } from './request-validation.js';
import type { ServiceImpl, UnaryHandler } from './service-impl.js';
import { createServerCredentials } from './server-credentials.js';
import { createUnaryCallHandler, type InFlightCalls } from './unary-call-handler.js';

export interface GrpcServerOptions {
  readonly logger: Logger;
  /** The process's registry (created in main.ts); gRPC metrics are declared on it. */
  readonly registry: Registry;
  readonly maxReceiveMessageBytes?: number;
  readonly maxSendMessageBytes?: number;
  /** Serve TLS with this certificate; plaintext otherwise (only inside a NetworkPolicy). */
  readonly tls?: GrpcTls;
}

export interface GrpcServer {
  /** Registers a service and its handlers; only before `start`. */
  addService<S extends DescService>(service: S, impl: ServiceImpl<S>): void;
  /** Binds and starts serving, then reports SERVING; resolves with the bound port. */
  start(address: { readonly host: string; readonly port: number }): Promise<number>;
  /** Flips grpc.health.v1 between SERVING and NOT_SERVING for "" and every added service. */
  setServing(serving: boolean): void;
  /**
   * Reports NOT_SERVING, stops accepting calls and waits for in-flight ones; when
   * `deadlineMs` passes first, cuts what is left. The server cannot be restarted.
   */
  drain(deadlineMs: number): Promise<void>;
  /** Calls whose handler is running right now. */
  readonly inFlightCalls: number;
}

/**
 * The gRPC server every service runs: typed handlers, requests validated against their
 * protos' FieldRules, health and reflection always on, metrics and access logs for every
 * call, and a drain for SIGTERM.
 */
export function createGrpcServer(options: GrpcServerOptions): GrpcServer {
  const { logger } = options;
  const metrics = createGrpcMetrics(options.registry);
  const serverOptions: ChannelOptions = {
    ...sharedChannelOptions(),
    'grpc.max_receive_message_length': options.maxReceiveMessageBytes ?? defaultMaxMessageBytes,
    'grpc.max_send_message_length': options.maxSendMessageBytes ?? defaultMaxMessageBytes,
    // Clients balance round-robin over the pods DNS returned when they connected; ageing
    // connections out makes them reconnect and re-resolve, so new pods get traffic too.
    'grpc.max_connection_age_ms': 5 * 60_000,
    'grpc.max_connection_age_grace_ms': 60_000,
  };
  const server = new Server({
    ...serverOptions,
    interceptors: [createServerAccessLogInterceptor(logger), createServerMetricsInterceptor(metrics)],
  });
  // NOT_SERVING until start() has bound the port: health is a lifecycle fact.
  const health = new HealthImplementation({ '': 'NOT_SERVING' });
  health.addToServer(server);
  const serviceNames: string[] = [];
  const files = new Set<DescFile>();
  const inFlight: InFlightCalls = { count: 0 };
  const requests = createRequestValidator();
  let serving = false;
  let state: 'created' | 'started' | 'stopped' = 'created';

  const setServing = (value: boolean): void => {
    serving = value;
    const status = value ? 'SERVING' : 'NOT_SERVING';
    for (const name of ['', ...serviceNames]) health.setStatus(name, status);
  };

  return {
    addService(service, impl) {
      if (state !== 'created') throw new Error(`cannot add ${service.typeName}: the gRPC server has already started`);
      const handlers = impl as Record<string, unknown>;
      const implementation: UntypedServiceImplementation = {};
      const definition = createServiceDefinition(service);
      // Every request is checked against its proto's FieldRules before a handler runs; a
      // guarded service does it itself, between authentication and the scope check.
      const checked = !validatesOwnRequests(impl);
      for (const method of service.methods) {
        const handler = handlers[method.localName];
        if (typeof handler !== 'function') throw new Error(`no handler for ${service.typeName}.${method.name}`);
        const typed = handler as UnaryHandler<DescMessage, DescMessage>;
        implementation[method.localName] = createUnaryCallHandler(method, checked ? validateFirst(method, typed, requests) : typed, {
          logger,
          inFlight,
        });
      }
      server.addService(definition, implementation);
      serviceNames.push(service.typeName);
      files.add(service.file);
      health.setStatus(service.typeName, serving ? 'SERVING' : 'NOT_SERVING');
    },

    async start({ host, port }) {
      if (state !== 'created') throw new Error('the gRPC server has already started');
      state = 'started';
      // Built now, once every service (and so every file) is known.
      createReflectionService(files).addToServer(server);
      const bound = await new Promise<number>((resolve, reject) => {
        server.bindAsync(hostPort(host, port), createServerCredentials(options.tls), (error, boundPort) =>
          error === null ? resolve(boundPort) : reject(error),
        );
      });
      setServing(true);
      logger.info({ port: bound, services: serviceNames, tls: options.tls !== undefined }, 'grpc server listening');
      return bound;
    },

    setServing,

    async drain(deadlineMs) {
      setServing(false);
      if (state !== 'started') return;
      state = 'stopped';
      logger.info({ in_flight_calls: inFlight.count, deadline_ms: deadlineMs }, 'draining grpc server');
      const drained = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), deadlineMs);
        // tryShutdown closes the listener and sends GOAWAY: no new calls, running ones finish.
        server.tryShutdown((error) => {
          clearTimeout(timer);
          if (error !== undefined) logger.warn({ err: error }, 'grpc server shutdown reported an error');
          resolve(true);
        });
      });
      if (drained) {
        logger.info('grpc server drained');
        return;
      }
      const cut = inFlight.count;
      server.forceShutdown();
      logger.warn({ cut_calls: cut, deadline_ms: deadlineMs }, 'grpc drain deadline passed; cut the calls still running');
    },

    get inFlightCalls() {
      return inFlight.count;
    },
  };
}

function hostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}
