import type { Client } from 'pg';
import { CauseloopError } from '../errors/causeloop-error.js';
import type { Logger } from '../log/create-logger.js';
import { readMigrationFiles, type MigrationFile } from './read-migration-files.js';
import { withClient } from './with-client.js';

export interface MigrateOptions {
  /** A connection as the owner role (`DATABASE_OWNER_URL`), never the app role. */
  readonly connectionString: string;
  /** Where the `NNNN_*.sql` files are; usually `migrationsDirectory()`. */
  readonly directory: string;
  readonly logger?: Logger;
}

export interface MigrateResult {
  /** Versions applied by this run, in order; empty when the database was up to date. */
  readonly applied: string[];
}

/**
 * Session advisory lock key shared by every runner, so replicas starting together apply
 * each migration once. Advisory locks are per database, so runners on other databases of
 * the same server do not wait for each other.
 */
const migrationLockKey = '7264911843209931585';

interface AppliedRow {
  readonly version: string;
  readonly checksum: string;
}

/**
 * Applies the migrations of `directory` that the database has not seen, in name order,
 * each in its own transaction together with its `schema_migrations` row. Refuses to run
 * at all when a file that was already applied has changed since.
 */
export async function runMigrations(options: MigrateOptions): Promise<MigrateResult> {
  const files = await readMigrationFiles(options.directory);
  return withClient(
    options.connectionString,
    async (client) => {
      await client.query('select pg_catalog.pg_advisory_lock($1::bigint)', [migrationLockKey]);
      try {
        return { applied: await applyPending(client, files, options.logger) };
      } finally {
        await client.query('select pg_catalog.pg_advisory_unlock($1::bigint)', [migrationLockKey]);
      }
    },
    'causeloop-migrate',
  );
}

async function applyPending(client: Client, files: readonly MigrationFile[], logger?: Logger): Promise<string[]> {
  await client.query(
    `create table if not exists public.schema_migrations (
       version text primary key,
       checksum text not null,
       applied_at timestamptz not null default now()
     )`,
  );
  const { rows } = await client.query<AppliedRow>('select version, checksum from public.schema_migrations');
  const appliedChecksums = new Map(rows.map((row) => [row.version, row.checksum]));

  for (const file of files) {
    const recorded = appliedChecksums.get(file.version);
    if (recorded !== undefined && recorded !== file.checksum) {
      throw new CauseloopError(
        'config_invalid',
        `migration ${file.fileName} was changed after it was applied (checksum ${file.checksum} differs from the ` +
          `recorded ${recorded}); add a new migration instead of editing an applied one`,
      );
    }
  }
  const known = new Set(files.map((file) => file.version));
  const unknown = rows.map((row) => row.version).filter((version) => !known.has(version));
  if (unknown.length > 0) {
    // A newer release may have migrated already (rolling upgrades); not an error here.
    logger?.warn({ versions: unknown }, 'database has migrations this release does not know');
  }

  const applied: string[] = [];
  for (const file of files) {
    if (appliedChecksums.has(file.version)) continue;
    await applyOne(client, file);
    applied.push(file.version);
    logger?.info({ version: file.version }, 'applied migration');
  }
  return applied;
}

async function applyOne(client: Client, file: MigrationFile): Promise<void> {
  await client.query('begin');
  try {
    // No parameters: the simple query protocol accepts a whole file of statements.
    await client.query(file.sql);
    await client.query('insert into public.schema_migrations (version, checksum) values ($1, $2)', [
      file.version,
      file.checksum,
    ]);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw new CauseloopError('config_invalid', `migration ${file.fileName} failed: ${describe(error)}`, {
      cause: error,
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
