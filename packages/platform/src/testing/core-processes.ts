import { generateAssertionKeyPair, type AssertionKeyPair } from '../identity/principal-assertion.js';
import { generateOperatorToken } from '../identity/operator-token.js';
import type { ServiceProcess } from '../service-process/start-service-process.js';
import { createTestDatabase, type TestDatabase } from './create-test-database.js';
import { startAuthProcess, startCryptoProcess, startInsightsProcess, startTenancyProcess, type InsightsProcessOptions } from './start-core-services.js';

export interface CoreProcesses {
  /** A fresh migrated database. */
  readonly database: TestDatabase;
  /** The pair auth signs principal assertions with; tenancy verifies with its public half. */
  readonly keys: AssertionKeyPair;
  /** An operator token (and its hex SHA-256, what tenancy is configured with). */
  readonly operator: { readonly token: string; readonly sha256: string };
  readonly crypto: ServiceProcess;
  /** Auth in development mode: `dev:<email>` sign-ins work without an identity provider. */
  readonly auth: ServiceProcess;
  /** Stops `process` too on close (another service a test started over these). */
  adopt(process: ServiceProcess): ServiceProcess;
  /** Starts a tenancy process over these (stopped on close), on `port` or a random one. */
  startTenancy(port?: number): Promise<ServiceProcess>;
  /** Starts an insights process over these (stopped on close); two started with one cursor key accept each other's cursors. */
  startInsights(options?: Pick<InsightsProcessOptions, 'port' | 'cursorSigningKey' | 'env'>): Promise<ServiceProcess>;
  /** Stops every process, then drops the database. */
  close(): Promise<void>;
}

/**
 * What every service over tenancy needs, as pods run it: crypto and auth as real processes
 * on a fresh migrated database, with an assertion key pair and an operator token.
 */
export async function startCoreProcesses(): Promise<CoreProcesses> {
  const database = await createTestDatabase();
  const processes: ServiceProcess[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(processes.map((process) => process.stop()));
    await database.drop();
  };
  try {
    const keys = await generateAssertionKeyPair();
    const crypto = await startCryptoProcess();
    processes.push(crypto);
    const auth = await startAuthProcess({ databaseUrl: database.appUrl, assertionPrivateKeyPem: keys.privateKeyPem });
    processes.push(auth);
    const operator = generateOperatorToken();
    const adopt = (process: ServiceProcess): ServiceProcess => {
      processes.push(process);
      return process;
    };
    return {
      database,
      keys,
      operator,
      crypto,
      auth,
      adopt,
      startTenancy: async (port) =>
        adopt(
          await startTenancyProcess({
            databaseUrl: database.appUrl,
            authAddress: auth.grpcAddress,
            cryptoAddress: crypto.grpcAddress,
            assertionPublicKeyPem: keys.publicKeyPem,
            operatorTokenSha256: operator.sha256,
            ...(port === undefined ? {} : { port }),
          }),
        ),
      startInsights: async (options = {}) =>
        adopt(
          await startInsightsProcess({
            databaseUrl: database.appUrl,
            authAddress: auth.grpcAddress,
            assertionPublicKeyPem: keys.publicKeyPem,
            ...options,
          }),
        ),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
