import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startServiceProcess, type ServiceProcess } from '../service-process/start-service-process.js';

/** The repository root, seen from this file (src/ under test, dist/ when built). */
const repositoryRoot = path.resolve(import.meta.dirname, '../../../..');

/** The built entry point of a service, e.g. `services/auth/dist/main.js` (`tsc -b` makes it). */
export function serviceMain(service: string): string {
  return path.join(repositoryRoot, 'services', service, 'dist/main.js');
}

/** The crypto service as a process, with a fresh random master key. */
export function startCryptoProcess(): Promise<ServiceProcess> {
  return startServiceProcess({
    main: serviceMain('crypto'),
    cwd: repositoryRoot,
    env: { NODE_ENV: 'test', LOG_LEVEL: 'info', CAUSELOOP_MASTER_KEY: randomBytes(32).toString('base64') },
  });
}

export interface AuthProcessOptions {
  /** `causeloop_app`'s URL of the test database. */
  readonly databaseUrl: string;
  /** Ed25519 PKCS#8 PEM that signs principal assertions; a throwaway one when omitted. */
  readonly assertionPrivateKeyPem?: string;
  /** Variables on top, e.g. `IDP_JWKS_URL`. */
  readonly env?: Readonly<Record<string, string>>;
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
  });
}
