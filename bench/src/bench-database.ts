import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { escapeIdentifier } from 'pg';
import { bootstrapRoles, migrationsDirectory, runMigrations, withClient } from '@causeloop/platform/db';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '@causeloop/platform/embedded-postgres';

export interface BenchDatabase {
  /** As causeloop_owner. */
  readonly ownerUrl: string;
  /** As causeloop_app, what services connect with. */
  readonly appUrl: string;
  /** The embedded server's cluster directory (its `postmaster.pid` names the server's process). */
  readonly dataDirectory: string;
}

/**
 * Runs `work` against a throwaway, migrated database on its own embedded PostgreSQL
 * (fsync off: benchmarks measure the code, not the disk), then removes it.
 */
export async function withBenchDatabase<T>(work: (database: BenchDatabase) => Promise<T>): Promise<T> {
  const directory = await mkdtemp(path.join(tmpdir(), 'causeloop-bench-pg-'));
  const server = await startEmbeddedPostgres({ dataDirectory: directory, ephemeral: true });
  try {
    const { ownerUrl, appUrl } = await bootstrap(server, 'bench', true);
    await runMigrations({ connectionString: ownerUrl, directory: migrationsDirectory() });
    return await work({ ownerUrl, appUrl, dataDirectory: directory });
  } finally {
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  }
}

const repositoryRoot = path.resolve(import.meta.dirname, '../..');

/**
 * Where databases kept between bench runs live: `.causeloop/bench` in the checkout (ignored
 * by git, beside `npm start`'s state), or `CAUSELOOP_BENCH_HOME`. Delete it to start over.
 */
export const persistentBenchHome = process.env.CAUSELOOP_BENCH_HOME ?? path.join(repositoryRoot, '.causeloop', 'bench');

export interface PersistentBenchDatabaseOptions {
  /** The database's name on the bench's persistent server, e.g. `causeloop_bench_insights`. */
  readonly name: string;
  /** What the data is; a different value (a changed seed) makes the next run seed it again. */
  readonly version: string;
  /** Fills the freshly migrated database; runs again only when the marker is missing or stale. */
  readonly seed: (database: BenchDatabase) => Promise<void>;
  /** Told whether the database was reused or (about to be) seeded. */
  readonly onStatus?: (message: string) => void;
}

/**
 * Runs `work` against a named database that is kept between runs, on an embedded
 * PostgreSQL whose cluster lives under `persistentBenchHome` (fsync off, like every bench
 * database: a crash can lose it, and the next run seeds it again). The database is reused
 * when its marker row (table `bench_seed`) says a seed of this `version` completed and the
 * migrations still apply (new ones are applied to it); otherwise it is dropped, created,
 * migrated and seeded, and the marker written last, so a seed cut short is never mistaken
 * for a complete one.
 */
export async function withPersistentBenchDatabase<T>(
  options: PersistentBenchDatabaseOptions,
  work: (database: BenchDatabase & { readonly reused: boolean }) => Promise<T>,
): Promise<T> {
  const dataDirectory = path.join(persistentBenchHome, 'postgres');
  const server = await startEmbeddedPostgres({
    dataDirectory,
    superuserPassword: await persistentSuperuserPassword(dataDirectory),
    ephemeral: true,
  });
  try {
    const { ownerUrl, appUrl } = await bootstrap(server, options.name, false);
    const database = { ownerUrl, appUrl, dataDirectory };
    let reused = await hasMarker(server.adminUrl, options.name, ownerUrl, options.version);
    if (reused) {
      // Migrations added since are applied; one edited after it was applied means a fresh seed.
      try {
        const { applied } = await runMigrations({ connectionString: ownerUrl, directory: migrationsDirectory() });
        options.onStatus?.(`reusing database ${options.name} (${dataDirectory})${applied.length > 0 ? `, migrated to ${applied.at(-1)}` : ''}`);
      } catch (error) {
        options.onStatus?.(`database ${options.name} no longer migrates (${error instanceof Error ? error.message : String(error)})`);
        reused = false;
      }
    }
    if (!reused) {
      options.onStatus?.(`seeding database ${options.name} in ${dataDirectory}; only the first run (or one after a change to the seed or an applied migration) does this`);
      await withClient(server.adminUrl, async (client) => {
        await client.query(`drop database if exists ${escapeIdentifier(options.name)} with (force)`);
        await client.query(`create database ${escapeIdentifier(options.name)} owner causeloop_owner`);
      });
      await runMigrations({ connectionString: ownerUrl, directory: migrationsDirectory() });
      await options.seed(database);
      await withClient(ownerUrl, async (client) => {
        await client.query('create table bench_seed (version text not null, completed_at timestamptz not null default now())');
        await client.query('insert into bench_seed (version) values ($1)', [options.version]);
      });
    }
    return await work({ ...database, reused });
  } finally {
    await server.stop();
  }
}

/** Both roles, with fresh passwords each run (and the database when `create`); the roles' URLs on `database`. */
async function bootstrap(server: EmbeddedPostgresServer, database: string, create: boolean): Promise<{ ownerUrl: string; appUrl: string }> {
  const ownerPassword = randomBytes(12).toString('hex');
  const appPassword = randomBytes(12).toString('hex');
  await bootstrapRoles({ adminConnectionString: server.adminUrl, ...(create ? { database } : {}), ownerPassword, appPassword });
  const url = (user: string, password: string) => `postgres://${user}:${password}@127.0.0.1:${server.port}/${database}`;
  return { ownerUrl: url('causeloop_owner', ownerPassword), appUrl: url('causeloop_app', appPassword) };
}

async function hasMarker(adminUrl: string, name: string, ownerUrl: string, version: string): Promise<boolean> {
  const exists = await withClient(adminUrl, async (client) => (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1);
  if (!exists) return false;
  return withClient(ownerUrl, async (client) => {
    const table = await client.query(`select to_regclass('public.bench_seed') is not null as present`);
    if (table.rows[0]?.present !== true) return false;
    // A marker of another shape (an older bench) is no marker.
    return (await client.query('select 1 from bench_seed where version = $1', [version]).catch(() => ({ rowCount: 0 }))).rowCount === 1;
  });
}

/** The superuser password of the persistent cluster, kept beside it (mode 0600); made before the cluster is. */
async function persistentSuperuserPassword(dataDirectory: string): Promise<string> {
  // As root the server runs as the `postgres` OS user, which must pass through to its data.
  await mkdir(persistentBenchHome, { recursive: true });
  await chmod(persistentBenchHome, process.getuid?.() === 0 ? 0o711 : 0o700);
  const file = path.join(persistentBenchHome, 'postgres-password');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (await exists(path.join(dataDirectory, 'PG_VERSION'))) {
    throw new Error(`${dataDirectory} holds a cluster but ${file} is missing: delete ${persistentBenchHome} and run again`);
  }
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
