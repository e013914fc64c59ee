import path from 'node:path';
import type { Logger } from '@causeloop/platform/log';
import { bootstrapRoles, migrationsDirectory, runMigrations } from '@causeloop/platform/db';
import { startEmbeddedPostgres } from '@causeloop/platform/embedded-postgres';
import type { DevSecrets } from './dev-secrets.js';

export interface LocalDatabase {
  /** As causeloop_app: what every service connects with. */
  readonly appUrl: string;
  /** As causeloop_owner: migrations and provisioning the demo data. */
  readonly ownerUrl: string;
  /** Where it runs, without credentials, for the start-up summary. */
  readonly description: string;
  stop(): Promise<void>;
}

const databaseName = 'causeloop';

/**
 * The database `npm start` runs on: the one `DATABASE_URL` names (migrated with
 * `DATABASE_OWNER_URL`), or else an embedded PostgreSQL under the state directory with
 * both roles bootstrapped. Migrations run either way.
 */
export async function prepareLocalDatabase(options: {
  stateDirectory: string;
  secrets: DevSecrets;
  port: number;
  environment: NodeJS.ProcessEnv;
  logger: Logger;
}): Promise<LocalDatabase> {
  const { environment, logger, secrets } = options;
  const externalUrl = environment.DATABASE_URL?.trim();
  if (externalUrl) {
    const ownerUrl = environment.DATABASE_OWNER_URL?.trim();
    if (!ownerUrl) {
      throw new Error('DATABASE_URL is set, so DATABASE_OWNER_URL must name the owner role that runs migrations');
    }
    await migrate(ownerUrl, logger);
    const { host, pathname } = new URL(externalUrl);
    return { appUrl: externalUrl, ownerUrl, description: `${host}${pathname} (DATABASE_URL)`, stop: async () => {} };
  }

  const dataDirectory = path.join(options.stateDirectory, 'postgres');
  const server = await startEmbeddedPostgres({
    dataDirectory,
    port: options.port,
    superuserPassword: secrets.postgresPassword,
  });
  try {
    await bootstrapRoles({
      adminConnectionString: server.adminUrl,
      database: databaseName,
      ownerPassword: secrets.ownerPassword,
      appPassword: secrets.appPassword,
    });
    const urlFor = (user: string, password: string) =>
      `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${server.port}/${databaseName}`;
    const ownerUrl = urlFor('causeloop_owner', secrets.ownerPassword);
    await migrate(ownerUrl, logger);
    return {
      appUrl: urlFor('causeloop_app', secrets.appPassword),
      ownerUrl,
      description: `embedded PostgreSQL on 127.0.0.1:${server.port}, data in ${dataDirectory}`,
      stop: () => server.stop(),
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

async function migrate(ownerUrl: string, logger: Logger): Promise<void> {
  const { applied } = await runMigrations({ connectionString: ownerUrl, directory: migrationsDirectory(), logger });
  logger.info({ applied }, applied.length === 0 ? 'database schema is up to date' : 'migrations applied');
}
