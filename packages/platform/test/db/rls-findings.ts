import type { Client } from 'pg';

// Catalog checks behind rls-coverage.test.ts, written as functions that return the
// offending objects so the test can also prove they catch a deliberately broken schema.

export interface TenantTable {
  readonly oid: number;
  readonly name: string;
  /** The column policies compare with the tenant: `id` for the root, else `workspace_id`. */
  readonly key: string;
  readonly rls: boolean;
  readonly force: boolean;
}

interface PolicyRow {
  readonly table_name: string;
  readonly name: string;
  readonly cmd: 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'ALL';
  readonly permissive: boolean;
  readonly roles: string[];
  readonly qual: string | null;
  readonly with_check: string | null;
}

export interface RlsFindings {
  readonly tenantTables: readonly string[];
  /** Tables without ENABLE + FORCE ROW LEVEL SECURITY. */
  readonly withoutForcedRls: string[];
  /** Tables missing a tenant-scoped policy for some command. */
  readonly withoutPolicies: string[];
  /**
   * Permissive policies that do not compare with app_current_tenant() (they are OR-ed),
   * except the owner's read of the tenant root that operator jobs list workspaces with,
   * and the owner-only policies named in `ownerOnlyPolicies`.
   */
  readonly unscopedPolicies: string[];
  /**
   * Indexes and primary/unique/exclusion constraints not led by the tenant key, except the
   * token-hash indexes named in `hashLookupIndexes`.
   */
  readonly indexesNotLedByTenant: string[];
  /** Foreign keys between tenant tables that leave out workspace_id. */
  readonly foreignKeysWithoutTenant: string[];
  readonly ownedByApp: string[];
  /** Views without security_invoker, and materialized views (RLS cannot cover them). */
  readonly unsafeViews: string[];
}

export async function findRlsGaps(client: Client): Promise<RlsFindings> {
  const tables = (
    await client.query<TenantTable>(
      `select c.oid::int as oid, c.relname as name,
              case when c.relname = 'workspaces' then 'id' else 'workspace_id' end as key,
              c.relrowsecurity as rls, c.relforcerowsecurity as force
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind in ('r', 'p')
         and (c.relname = 'workspaces' or exists (
           select 1 from pg_attribute a
           where a.attrelid = c.oid and a.attname = 'workspace_id' and not a.attisdropped))
       order by c.relname`,
    )
  ).rows;
  const oids = tables.map((table) => table.oid);
  const keyOf = new Map(tables.map((table) => [table.name, table.key]));
  const policies = (
    await client.query<PolicyRow>(
      `select tablename as table_name, policyname as name, cmd, permissive = 'PERMISSIVE' as permissive,
              roles::text[] as roles, qual, with_check
       from pg_policies where schemaname = 'public'`,
    )
  ).rows.filter((policy) => keyOf.has(policy.table_name));

  return {
    tenantTables: tables.map((table) => table.name),
    withoutForcedRls: tables
      .filter((table) => !table.rls || !table.force)
      .map((table) => `${table.name} (enabled=${table.rls}, forced=${table.force})`),
    withoutPolicies: tables.flatMap((table) => missingPolicies(table, policies)),
    unscopedPolicies: policies
      .filter((policy) => policy.permissive && !isOperatorListing(policy) && !isOwnerOnly(policy))
      .filter((policy) =>
        [policy.qual, policy.with_check].some(
          (expression) => expression !== null && !expression.includes('app_current_tenant()'),
        ),
      )
      .map((policy) => `${policy.table_name}.${policy.name}`),
    indexesNotLedByTenant: await indexesNotLedByTenant(client, oids, keyOf),
    foreignKeysWithoutTenant: await foreignKeysWithoutTenant(client, oids),
    ownedByApp: (
      await client.query<{ name: string }>(
        `select n.nspname || '.' || c.relname as name
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.relowner = 'causeloop_app'::regrole order by 1`,
      )
    ).rows.map((row) => row.name),
    unsafeViews: (
      await client.query<{ name: string; kind: string; options: string[] | null }>(
        `select c.relname as name, c.relkind as kind, c.reloptions as options
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('v', 'm') order by 1`,
      )
    ).rows
      .filter(
        (row) =>
          row.kind === 'm' || !(row.options ?? []).some((option) => /^security_invoker=(true|on|yes|1)$/i.test(option)),
      )
      .map((row) => (row.kind === 'm' ? `${row.name} (materialized view)` : row.name)),
  };
}

/**
 * The one unscoped policy allowed (migration 0005): SELECT on `workspaces` for
 * `causeloop_owner` alone, so operator jobs can enumerate tenants. Any other role, command
 * or table, or the app role listed beside the owner, is still an unscoped policy.
 */
function isOperatorListing(policy: PolicyRow): boolean {
  return (
    policy.table_name === 'workspaces' &&
    policy.cmd === 'SELECT' &&
    policy.roles.length === 1 &&
    policy.roles[0] === 'causeloop_owner'
  );
}

/**
 * Owner-only policies that SECURITY DEFINER functions need (FORCE RLS binds the owner the
 * functions run as): the lookups of migration 0006 (a token by its hash, a user's first
 * membership), the idempotency-key reaper of 0007 (expired rows only), the export-job
 * claim of 0013, the job queue's claim and depth count of 0017 (queued and running jobs
 * only), the predictor's work finder of 0016 (emerging and active patterns, open
 * predictions) and the loop watcher's of 0019 (proving loops); workspace ids only leave
 * the finders. Accepted only by
 * exact table, policy name and command, to the owner alone.
 */
export const ownerOnlyPolicies: readonly { readonly table: string; readonly policy: string; readonly cmd: PolicyRow['cmd'] }[] = [
  { table: 'api_tokens', policy: 'api_tokens_lookup_select', cmd: 'SELECT' },
  { table: 'refresh_tokens', policy: 'refresh_tokens_lookup_select', cmd: 'SELECT' },
  { table: 'workspace_members', policy: 'workspace_members_lookup_select', cmd: 'SELECT' },
  { table: 'idempotency_keys', policy: 'idempotency_keys_reaper_select', cmd: 'SELECT' },
  { table: 'idempotency_keys', policy: 'idempotency_keys_reaper_delete', cmd: 'DELETE' },
  { table: 'export_jobs', policy: 'export_jobs_claim_select', cmd: 'SELECT' },
  { table: 'jobs', policy: 'jobs_claim_select', cmd: 'SELECT' },
  { table: 'loops', policy: 'loops_watcher_select', cmd: 'SELECT' },
  { table: 'patterns', policy: 'patterns_predictor_select', cmd: 'SELECT' },
  { table: 'predictions', policy: 'predictions_scorer_select', cmd: 'SELECT' },
];

function isOwnerOnly(policy: PolicyRow): boolean {
  return (
    ownerOnlyPolicies.some(
      (allowed) => allowed.table === policy.table_name && allowed.policy === policy.name && allowed.cmd === policy.cmd,
    ) &&
    policy.roles.length === 1 &&
    policy.roles[0] === 'causeloop_owner'
  );
}

/**
 * The one exception to "workspace_id leads every index" (migration 0006): a bearer token
 * arrives without its workspace, so the definer lookup finds it by its SHA-256 hash alone.
 * Accepted only by exact table and index name, and only while the index is on `token_hash`.
 */
export const hashLookupIndexes: readonly { readonly table: string; readonly index: string }[] = [
  { table: 'api_tokens', index: 'api_tokens_token_hash_key' },
  { table: 'refresh_tokens', index: 'refresh_tokens_token_hash_key' },
];

function missingPolicies(table: TenantTable, policies: readonly PolicyRow[]): string[] {
  const own = policies.filter((policy) => policy.table_name === table.name);
  const scoped = (expression: string | null): boolean =>
    expression !== null && expression.includes('app_current_tenant()') && mentionsColumn(expression, table.key);
  const covers = (cmd: PolicyRow['cmd'], clause: 'qual' | 'with_check'): boolean =>
    own.some(
      (policy) =>
        policy.permissive &&
        (policy.cmd === cmd || policy.cmd === 'ALL') &&
        (policy.roles.includes('public') || policy.roles.includes('causeloop_app')) &&
        // A policy without WITH CHECK checks new rows with its USING expression.
        scoped(clause === 'with_check' ? (policy.with_check ?? policy.qual) : policy.qual),
    );
  const missing = [
    covers('SELECT', 'qual') ? null : 'SELECT using',
    covers('INSERT', 'with_check') ? null : 'INSERT with check',
    covers('UPDATE', 'qual') ? null : 'UPDATE using',
    covers('UPDATE', 'with_check') ? null : 'UPDATE with check',
    covers('DELETE', 'qual') ? null : 'DELETE using',
  ].filter((gap) => gap !== null);
  return missing.length > 0 ? [`${table.name} lacks ${missing.join(', ')}`] : [];
}

async function indexesNotLedByTenant(
  client: Client,
  oids: readonly number[],
  keyOf: ReadonlyMap<string, string>,
): Promise<string[]> {
  const indexes = await client.query<{ table_name: string; name: string; first_column: string | null }>(
    `select c.relname as table_name, i.relname as name, a.attname as first_column
     from pg_index x
     join pg_class c on c.oid = x.indrelid
     join pg_class i on i.oid = x.indexrelid
     left join pg_attribute a on a.attrelid = c.oid and a.attnum = x.indkey[0]
     where c.oid = any($1::oid[])
     union all
     select c.relname, k.conname, a.attname
     from pg_constraint k
     join pg_class c on c.oid = k.conrelid
     left join pg_attribute a on a.attrelid = c.oid and a.attnum = k.conkey[1]
     where k.contype in ('p', 'u', 'x') and c.oid = any($1::oid[])
     order by 1, 2`,
    [oids],
  );
  const offenders = indexes.rows
    .filter((row) => row.first_column !== keyOf.get(row.table_name))
    .filter(
      (row) =>
        !(
          row.first_column === 'token_hash' &&
          hashLookupIndexes.some((allowed) => allowed.table === row.table_name && allowed.index === row.name)
        ),
    )
    .map((row) => `${row.table_name}.${row.name} (leads with ${row.first_column ?? 'an expression'})`);
  return [...new Set(offenders)];
}

async function foreignKeysWithoutTenant(client: Client, oids: readonly number[]): Promise<string[]> {
  const result = await client.query<{ table_name: string; name: string; columns: string[] }>(
    `select c.relname as table_name, k.conname as name,
            array(select a.attname from unnest(k.conkey) as u(attnum)
                  join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.attnum)::text[] as columns
     from pg_constraint k
     join pg_class c on c.oid = k.conrelid
     join pg_class target on target.oid = k.confrelid
     where k.contype = 'f' and c.oid = any($1::oid[]) and target.oid = any($1::oid[])
       and target.relname <> 'workspaces'
     order by 1, 2`,
    [oids],
  );
  return result.rows
    .filter((row) => !row.columns.includes('workspace_id'))
    .map((row) => `${row.table_name}.${row.name} (${row.columns.join(', ')})`);
}

function mentionsColumn(expression: string, column: string): boolean {
  return new RegExp(`(^|[^a-z0-9_.])${column}([^a-z0-9_]|$)`).test(expression);
}
