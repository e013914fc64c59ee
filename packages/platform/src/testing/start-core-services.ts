import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { grpcAddressVariable } from '../service-catalogue/service-catalogue.js';
import { startServiceProcess, type ServiceProcess } from '../service-process/start-service-process.js';

/** The repository root, seen from this file (src/ under test, dist/ when built). */
const repositoryRoot = path.resolve(import.meta.dirname, '../../../..');

/** The built entry point of a service, e.g. `services/auth/dist/main.js` (`tsc -b` makes it). */
export function serviceMain(service: string): string {
  return path.join(repositoryRoot, 'services', service, 'dist/main.js');
}

/** What every service process helper takes on top of its own options. */
export interface ProcessOverrides {
  /** Variables on top, e.g. `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Node options before the entry point; the deployed ones (`serviceNodeOptions`) when omitted. */
  readonly execArgv?: readonly string[];
}

/** The crypto service as a process, with a fresh random master key. */
export function startCryptoProcess(options: ProcessOverrides = {}): Promise<ServiceProcess> {
  return startServiceProcess({
    main: serviceMain('crypto'),
    cwd: repositoryRoot,
    env: { NODE_ENV: 'test', LOG_LEVEL: 'info', CAUSELOOP_MASTER_KEY: randomBytes(32).toString('base64'), ...options.env },
    ...(options.execArgv === undefined ? {} : { execArgv: options.execArgv }),
  });
}

export interface AuthProcessOptions extends ProcessOverrides {
  /** `causeloop_app`'s URL of the test database. */
  readonly databaseUrl: string;
  /** Ed25519 PKCS#8 PEM that signs principal assertions; a throwaway one when omitted. */
  readonly assertionPrivateKeyPem?: string;
}

/**
 * The auth service as a process in development mode, so `dev:<email>` exchanges sign
 * test users in without an identity provider, with a random JWT secret.
 */
export function startAuthProcess(options: AuthProcessOptions): Promise<ServiceProcess> {
  return startServiceProcess({
    main: serviceMain('auth'),
    cwd: repositoryRoot,
    env: {
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      DATABASE_URL: options.databaseUrl,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      ...(options.assertionPrivateKeyPem === undefined ? {} : { PRINCIPAL_ASSERTION_PRIVATE_KEY: options.assertionPrivateKeyPem }),
      ...options.env,
    },
    ...(options.execArgv === undefined ? {} : { execArgv: options.execArgv }),
  });
}

export interface TenancyProcessOptions extends ProcessOverrides {
  /** `causeloop_app`'s URL of the test database. */
  readonly databaseUrl: string;
  readonly authAddress: string;
  readonly cryptoAddress: string;
  /** Verifies the principal assertions auth signs. */
  readonly assertionPublicKeyPem: string;
  /** Hex SHA-256 of the operator token provisioning accepts. */
  readonly operatorTokenSha256: string;
  /** Its gRPC port; a random one when omitted. */
  readonly port?: number;
}

/** The tenancy service as a process, its retention purge off (a test runs a purge itself). */
export function startTenancyProcess(options: TenancyProcessOptions): Promise<ServiceProcess> {
  return startServiceProcess({
    main: serviceMain('tenancy'),
    cwd: repositoryRoot,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: options.databaseUrl,
      [grpcAddressVariable('auth')]: options.authAddress,
      [grpcAddressVariable('crypto')]: options.cryptoAddress,
      PRINCIPAL_ASSERTION_PUBLIC_KEY: options.assertionPublicKeyPem,
      OPERATOR_TOKEN_SHA256: options.operatorTokenSha256,
      RETENTION_PURGE_INTERVAL_MS: '0',
      ...(options.port === undefined ? {} : { GRPC_PORT: String(options.port) }),
      ...options.env,
    },
    ...(options.execArgv === undefined ? {} : { execArgv: options.execArgv }),
  });
}

export interface InsightsProcessOptions extends ProcessOverrides {
  /** `causeloop_app`'s URL of the test database. */
  readonly databaseUrl: string;
  readonly authAddress: string;
  /** Verifies the principal assertions auth signs. */
  readonly assertionPublicKeyPem: string;
  /** Its gRPC port; a random one when omitted. */
  readonly port?: number;
  /** Signs list cursors; replicas given the same one accept each other's cursors. A random one when omitted. */
  readonly cursorSigningKey?: string;
}

/** The insights service as a process. */
export function startInsightsProcess(options: InsightsProcessOptions): Promise<ServiceProcess> {
  return startServiceProcess({
    main: serviceMain('insights'),
    cwd: repositoryRoot,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: options.databaseUrl,
      [grpcAddressVariable('auth')]: options.authAddress,
      PRINCIPAL_ASSERTION_PUBLIC_KEY: options.assertionPublicKeyPem,
      CURSOR_SIGNING_KEY: options.cursorSigningKey ?? randomBytes(32).toString('base64url'),
      ...(options.port === undefined ? {} : { GRPC_PORT: String(options.port) }),
      ...options.env,
    },
    ...(options.execArgv === undefined ? {} : { execArgv: options.execArgv }),
  });
}

export interface GatewayProcessOptions extends ProcessOverrides {
  /** `causeloop_app`'s URL of the test database (the gateway keeps idempotency keys there). */
  readonly databaseUrl: string;
  readonly authAddress: string;
  /** Tenancy's address; without it, tenancy's routes are not served. */
  readonly tenancyAddress?: string;
  /** Insights' address; without it, insights' routes are not served. */
  readonly insightsAddress?: string;
}

/**
 * The api-gateway as a process on a random loopback HTTP port (`httpUrl`), fronting the
 * backends given (started, like every service process, with the node options pods use).
 */
export function startGatewayProcess(options: GatewayProcessOptions): Promise<ServiceProcess> {
  return startServiceProcess({
    main: serviceMain('api-gateway'),
    cwd: repositoryRoot,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      DATABASE_URL: options.databaseUrl,
      [grpcAddressVariable('auth')]: options.authAddress,
      ...(options.tenancyAddress === undefined ? {} : { [grpcAddressVariable('tenancy')]: options.tenancyAddress }),
      ...(options.insightsAddress === undefined ? {} : { [grpcAddressVariable('insights')]: options.insightsAddress }),
      ...options.env,
    },
    ...(options.execArgv === undefined ? {} : { execArgv: options.execArgv }),
  });
}
