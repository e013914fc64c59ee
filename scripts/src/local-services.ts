import { createPublicKey } from 'node:crypto';
import type { DevSecrets } from './dev-secrets.js';
import { operatorTokenSha256 } from './org/operator-token.js';

/** How a service is reached when `npm start` runs everything on one machine. */
export interface LocalService {
  readonly name: string;
  /** gRPC port; the gateway has none, it serves HTTP. */
  readonly grpcPort?: number;
  readonly httpPort?: number;
  readonly opsPort: number;
  /** Variables beyond the common ones, e.g. the secrets only this service may hold. */
  readonly env: (secrets: DevSecrets) => Record<string, string>;
}

/**
 * Every Causeloop service with its local ports (DESIGN.md §3: in a cluster each gets
 * 50051 and 9090 in its own pod; on one machine they need distinct ones). The runner
 * starts those that exist in this checkout.
 */
export const localServices: readonly LocalService[] = [
  { name: 'crypto', grpcPort: 50054, opsPort: 9094, env: (secrets) => ({ CAUSELOOP_MASTER_KEY: secrets.masterKey }) },
  {
    name: 'auth',
    grpcPort: 50051,
    opsPort: 9091,
    env: (secrets) => ({ JWT_SECRET: secrets.jwtSecret, PRINCIPAL_ASSERTION_PRIVATE_KEY: secrets.assertionPrivateKey }),
  },
  {
    name: 'tenancy',
    grpcPort: 50052,
    opsPort: 9092,
    env: (secrets) => ({
      // Verifies what auth signs with assertionPrivateKey; the public half is derived, never stored.
      PRINCIPAL_ASSERTION_PUBLIC_KEY: createPublicKey(secrets.assertionPrivateKey).export({ type: 'spki', format: 'pem' }).toString(),
      CURSOR_SIGNING_KEY: secrets.cursorSigningKey,
      GOVERNANCE_SIGNING_KEY: secrets.governanceSigningKey,
      OPERATOR_TOKEN_SHA256: operatorTokenSha256(secrets.operatorToken),
    }),
  },
  { name: 'insights', grpcPort: 50053, opsPort: 9093, env: () => ({}) },
  { name: 'api-gateway', httpPort: 8080, opsPort: 9090, env: () => ({}) },
];

/**
 * The services shifted by `offset` ports (CAUSELOOP_PORT_OFFSET), so a second install or
 * a test run can sit beside one that uses the defaults.
 */
export function withPortOffset(services: readonly LocalService[], offset: number): LocalService[] {
  return services.map((service) => {
    const shifted: LocalService = { ...service, opsPort: service.opsPort + offset };
    if (service.grpcPort !== undefined) Object.assign(shifted, { grpcPort: service.grpcPort + offset });
    if (service.httpPort !== undefined) Object.assign(shifted, { httpPort: service.httpPort + offset });
    return shifted;
  });
}

/** `<SERVICE>_GRPC_ADDR` for every gRPC service, so each finds its downstreams. */
export function downstreamAddresses(services: readonly LocalService[]): Record<string, string> {
  const addresses: Record<string, string> = {};
  for (const service of services) {
    if (service.grpcPort === undefined) continue;
    addresses[`${service.name.toUpperCase().replaceAll('-', '_')}_GRPC_ADDR`] = `127.0.0.1:${service.grpcPort}`;
  }
  return addresses;
}
