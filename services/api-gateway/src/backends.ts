import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { createGrpcCaller, createGrpcClient, type GrpcCaller, type GrpcClient } from '@causeloop/platform/grpc';
import type { ServiceRuntime } from '@causeloop/platform/runtime';
import {
  isFronted,
  serviceCatalogue,
  type DeclaredApi,
  type ServiceName,
  type ServiceWith,
} from '@causeloop/platform/service-catalogue';
import type { GatewayConfig } from './config.js';
import { frontService, type FrontedService } from './fronted-service.js';

export interface Backends {
  /** auth's client: the authenticator calls `Authenticate` on it. */
  readonly auth: GrpcClient<typeof AuthService>;
  /** Every service whose HTTP rules become routes. */
  readonly fronted: readonly FrontedService[];
}

/** The gRPC address of each service with APIs to front; undefined: its routes are not served. */
export type BackendAddresses = Readonly<Record<ServiceWith<'public' | 'http'>, string | undefined>>;

export function backendAddresses(config: GatewayConfig): BackendAddresses {
  return { auth: config.authGrpcAddr, tenancy: config.tenancyGrpcAddr, insights: config.insightsGrpcAddr };
}

/**
 * The APIs the gateway fronts, by service, as the service catalogue declares them (`public`
 * and `http`; never `operator` or `internal`), for the services it has an address of.
 */
export function frontedApis(addresses: BackendAddresses): { address: string; apis: DeclaredApi[] }[] {
  const byName: Partial<Record<ServiceName, string | undefined>> = addresses;
  return serviceCatalogue.flatMap((declared) => {
    const apis: DeclaredApi[] = declared.apis.filter(isFronted);
    const address = byName[declared.name];
    return apis.length === 0 || address === undefined ? [] : [{ address, apis }];
  });
}

/**
 * One gRPC client per fronted backend API, closed on shutdown; auth's channel is part of
 * readiness, and auth's client also authenticates every request.
 */
export function connectBackends(config: GatewayConfig, runtime: ServiceRuntime): Backends {
  const clientOptions = (address: string) => ({
    address,
    logger: runtime.logger,
    registry: runtime.registry,
    defaultDeadlineMs: config.backendDeadlineMs,
  });
  const fronted: FrontedService[] = [];
  const callers: GrpcCaller[] = [];
  for (const { address, apis } of frontedApis(backendAddresses(config))) {
    for (const { service } of apis) {
      // grpc-js shares one connection between channels to the same target and options.
      const caller = createGrpcCaller(service, clientOptions(address));
      callers.push(caller);
      fronted.push(frontService(service, caller));
    }
  }
  runtime.lifecycle.onShutdown('backend clients', () => {
    for (const caller of callers) caller.close();
  });
  const auth = createGrpcClient(AuthService, clientOptions(config.authGrpcAddr));
  runtime.lifecycle.onShutdown('auth client', () => auth.close());
  // Authorize with an empty principal touches no database: a cheap proof the channel works.
  runtime.readiness.register('auth', async () => void (await auth.authorize({ scope: '' }, { deadlineMs: 1_000 })));
  return { auth, fronted };
}
