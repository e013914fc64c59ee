import type { Pool } from 'pg';
import { CauseloopError } from '../errors/causeloop-error.js';

interface RoleRow {
  readonly role: string;
  readonly rolsuper: boolean;
  readonly rolbypassrls: boolean;
  readonly owned: string[];
}

const remedy =
  'services must connect as causeloop_app (NOSUPERUSER NOBYPASSRLS, owning nothing) so Row-Level Security applies';

/**
 * Refuses to let a service start on a connection that Row-Level Security would not
 * restrict: a superuser, a role with BYPASSRLS, or a role that owns relations (owners
 * skip policies on tables without FORCE, and views run with their owner's rights).
 */
export async function assertAppRole(pool: Pool): Promise<void> {
  const result = await pool.query<RoleRow>(
    `select current_user as role, r.rolsuper, r.rolbypassrls,
            array(
              select n.nspname || '.' || c.relname
              from pg_catalog.pg_class c
              join pg_catalog.pg_namespace n on n.oid = c.relnamespace
              where c.relowner = r.oid
                and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
                and c.relpersistence <> 't'
              order by 1
              limit 10
            ) as owned
     from pg_catalog.pg_roles r
     where r.rolname = current_user`,
  );
  const row = result.rows[0];
  if (row === undefined) {
    throw new CauseloopError('database_role_unsafe', `could not read the attributes of the connected role; ${remedy}`);
  }
  const role = JSON.stringify(row.role);
  if (row.rolsuper) {
    throw new CauseloopError('database_role_unsafe', `connected as ${role}, which is a superuser; ${remedy}`);
  }
  if (row.rolbypassrls) {
    throw new CauseloopError('database_role_unsafe', `connected as ${role}, which has BYPASSRLS; ${remedy}`);
  }
  if (row.owned.length > 0) {
    throw new CauseloopError(
      'database_role_unsafe',
      `connected as ${role}, which owns ${row.owned.join(', ')}; ${remedy}`,
    );
  }
}
