import { escapeIdentifier, escapeLiteral, type Client } from 'pg';
import { withClient } from './with-client.js';

export interface BootstrapRolesOptions {
  /** A superuser connection (the embedded server's `postgres`). */
  readonly adminConnectionString: string;
  /** A database to create, owned by causeloop_owner, unless it exists; none when omitted. */
  readonly database?: string;
  readonly ownerPassword: string;
  readonly appPassword: string;
}

/** SQLSTATEs of a concurrent bootstrap that created the same object first. */
const alreadyExists = new Set(['42710', '42P04', '23505']);

/**
 * Creates both roles (and optionally the database) on a server we administer: local runs
 * and tests only; in production an operator provisions them. Idempotent: existing roles
 * get their attributes and passwords set again. Roles are cluster-wide, so every database
 * on the server shares them.
 */
export async function bootstrapRoles(options: BootstrapRolesOptions): Promise<void> {
  await withClient(
    options.adminConnectionString,
    async (client) => {
      // The owner needs CREATEROLE only so migration 0001 can create the app role on
      // servers where nobody did; it never gets SUPERUSER.
      await ensureRole(client, 'causeloop_owner', 'LOGIN CREATEROLE NOSUPERUSER NOBYPASSRLS', options.ownerPassword);
      await ensureRole(
        client,
        'causeloop_app',
        'LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE',
        options.appPassword,
      );
      if (options.database !== undefined) {
        const exists = await client.query('select 1 from pg_catalog.pg_database where datname = $1', [options.database]);
        if (exists.rowCount === 0) {
          await ignoreAlreadyExists(
            client.query(`create database ${escapeIdentifier(options.database)} owner causeloop_owner`),
          );
        }
      }
    },
    'causeloop-bootstrap',
  );
}

async function ensureRole(client: Client, role: string, attributes: string, password: string): Promise<void> {
  const exists = await client.query('select 1 from pg_catalog.pg_roles where rolname = $1', [role]);
  if (exists.rowCount === 0) {
    await ignoreAlreadyExists(client.query(`create role ${escapeIdentifier(role)} ${attributes}`));
  }
  // Utility statements take no parameters; the literal is escaped instead.
  await client.query(`alter role ${escapeIdentifier(role)} ${attributes} password ${escapeLiteral(password)}`);
}

async function ignoreAlreadyExists(query: Promise<unknown>): Promise<void> {
  try {
    await query;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !alreadyExists.has(code)) throw error;
  }
}
