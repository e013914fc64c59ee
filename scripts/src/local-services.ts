import { createPublicKey } from 'node:crypto';
import { operatorTokenSha256 } from '@causeloop/platform/identity';
import { grpcAddressVariable, serviceCatalogue, type GrpcServiceName, type ServiceName } from '@causeloop/platform/service-catalogue';
import type { DevSecrets } from './dev-secrets.js';

interface LocalSettings {
  readonly opsPort: number;
  /** Variables beyond the common ones, e.g. the secrets only this service may hold. */
  readonly env: (secrets: DevSecrets) => Record<string, string>;
}

/** A gRPC service has a gRPC port; the gateway, which has none, an HTTP port. */
type LocalPorts<N extends ServiceName> = N extends GrpcServiceName
  ? { readonly grpcPort: number; readonly httpPort?: undefined }
  : { readonly httpPort: number; readonly grpcPort?: undefined };

/** How a service is reached when `npm start` runs everything on one machine. */
export type LocalService = { [N in ServiceName]: LocalSettings & LocalPorts<N> & { readonly name: N } }[ServiceName];

/** Verifies what auth signs with assertionPrivateKey; the public half is derived, never stored. */
function assertionPublicKey(secrets: DevSecrets): string {
  return createPublicKey(secrets.assertionPrivateKey).export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * The local ports and secrets of every declared service (DESIGN §3: in a cluster each gets
 * 50051 and 9090 in its own pod; on one machine they need distinct ones). Keyed by the
 * service catalogue's names, so a newly declared service does not compile until it has
 * its ports here.
 */
const localSettings: { readonly [N in ServiceName]: LocalSettings & LocalPorts<N> } = {
  crypto: { grpcPort: 50054, opsPort: 9094, env: (secrets) => ({ CAUSELOOP_MASTER_KEY: secrets.masterKey }) },
  auth: {
    grpcPort: 50051,
    opsPort: 9091,
    env: (secrets) => ({ JWT_SECRET: secrets.jwtSecret, PRINCIPAL_ASSERTION_PRIVATE_KEY: secrets.assertionPrivateKey }),
  },
  tenancy: {
    grpcPort: 50052,
    opsPort: 9092,
    env: (secrets) => ({
      PRINCIPAL_ASSERTION_PUBLIC_KEY: assertionPublicKey(secrets),
      CURSOR_SIGNING_KEY: secrets.cursorSigningKey,
      GOVERNANCE_SIGNING_KEY: secrets.governanceSigningKey,
      OPERATOR_TOKEN_SHA256: operatorTokenSha256(secrets.operatorToken),
    }),
  },
  insights: {
    grpcPort: 50053,
    opsPort: 9093,
    // The same cursor secret as tenancy's: each service derives its own key from it (deriveCursorKey).
    // The predictor and loop watcher run every minute here (hourly by default), so the demo
    // history's forecasts are in the ledger a minute after start.
    env: (secrets) => ({
      PRINCIPAL_ASSERTION_PUBLIC_KEY: assertionPublicKey(secrets),
      CURSOR_SIGNING_KEY: secrets.cursorSigningKey,
      PREDICTION_INTERVAL_MS: '60000',
    }),
  },
  'api-gateway': { httpPort: 8080, opsPort: 9090, env: () => ({}) },
};

/** One process per declared service, callees first; the runner starts those built in this checkout. */
export const localServices: readonly LocalService[] = serviceCatalogue.map(
  // TypeScript cannot see that the name and the settings looked up by it belong together.
  ({ name }) => ({ name, ...localSettings[name] }) as LocalService,
);

/**
 * The services shifted by `offset` ports (CAUSELOOP_PORT_OFFSET), so a second install or
 * a test run can sit beside one that uses the defaults.
 */
export function withPortOffset(services: readonly LocalService[], offset: number): LocalService[] {
  return services.map((service) =>
    service.grpcPort === undefined
      ? { ...service, opsPort: service.opsPort + offset, httpPort: service.httpPort + offset }
      : { ...service, opsPort: service.opsPort + offset, grpcPort: service.grpcPort + offset },
  );
}

/** `<SERVICE>_GRPC_ADDR` for every gRPC service, so each finds its downstreams. */
export function downstreamAddresses(services: readonly LocalService[]): Record<string, string> {
  const addresses: Record<string, string> = {};
  for (const service of services) {
    if (service.grpcPort === undefined) continue;
    addresses[grpcAddressVariable(service.name)] = `127.0.0.1:${service.grpcPort}`;
  }
  return addresses;
}
