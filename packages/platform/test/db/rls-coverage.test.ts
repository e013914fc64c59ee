import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/create-pool.js';
import { withClient } from '../../src/db/with-client.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.js';
import { findRlsGaps, type RlsFindings } from './rls-findings.js';
import { seedWorkspace } from './seed.js';

// Catalog checks over the fully migrated schema: every later migration that adds a tenant
// table is held to DESIGN §4 by these, without anyone having to remember a test.

let database: TestDatabase;
let findings: RlsFindings;

beforeAll(async () => {
  database = await createTestDatabase();
  findings = await withClient(database.adminUrl, findRlsGaps);
});

afterAll(async () => {
  await database?.drop();
});

describe('the migrated schema', () => {
  it('has the tenant root and the audit log among its tenant tables', () => {
    expect(findings.tenantTables).toEqual(
      expect.arrayContaining([
        'workspaces',
        'audit_log',
        'workspace_keys',
        'workspace_members',
        'service_accounts',
        'api_tokens',
        'refresh_tokens',
      ]),
    );
    // users is global identity, not a tenant table; the app role has no access to it at all.
    expect(findings.tenantTables).not.toContain('users');
  });

  it('ENABLEs and FORCEs row-level security on every tenant table', () => {
    const offenders = findings.withoutForcedRls;
    expect(offenders, `tables without ENABLE + FORCE ROW LEVEL SECURITY: ${offenders.join(', ')}`).toEqual([]);
  });

  it('has select, insert, update and delete policies on app_current_tenant() for every tenant table', () => {
    const offenders = findings.withoutPolicies;
    expect(offenders, `tables without tenant policies: ${offenders.join('; ')}`).toEqual([]);
  });

  it('has no permissive policy that ignores the tenant (permissive policies are OR-ed)', () => {
    const offenders = findings.unscopedPolicies;
    expect(offenders, `policies not scoped by app_current_tenant(): ${offenders.join(', ')}`).toEqual([]);
  });

  it('leads every index and unique constraint of a tenant table with the tenant key', () => {
    const offenders = findings.indexesNotLedByTenant;
    expect(offenders, `indexes or constraints not led by the tenant key: ${offenders.join(', ')}`).toEqual([]);
  });

  it('joins tenant tables only through foreign keys that include workspace_id', () => {
    const offenders = findings.foreignKeysWithoutTenant;
    expect(offenders, `foreign keys without workspace_id: ${offenders.join(', ')}`).toEqual([]);
  });

  it('lets causeloop_app own no relation', () => {
    const offenders = findings.ownedByApp;
    expect(offenders, `relations owned by causeloop_app: ${offenders.join(', ')}`).toEqual([]);
  });

  it('has only security_invoker views and no materialized views', () => {
    const offenders = findings.unsafeViews;
    expect(offenders, `views that bypass row-level security: ${offenders.join(', ')}`).toEqual([]);
  });
});

describe('the operator listing (workspaces_operator_select)', () => {
  it('lets the owner list every workspace while the app role without the GUC still sees none', async () => {
    const pool = createPool({ connectionString: database.appUrl, applicationName: 'rls-coverage-test', max: 2 });
    let ids: string[];
    try {
      ids = [await seedWorkspace(pool, 'Listed A'), await seedWorkspace(pool, 'Listed B')];
      expect((await pool.query('select id from workspaces')).rowCount).toBe(0);
    } finally {
      await pool.end();
    }
    await withClient(database.ownerUrl, async (owner) => {
      const listed = (await owner.query<{ id: string }>('select id from workspaces')).rows.map((row) => row.id);
      expect(listed).toEqual(expect.arrayContaining(ids));
      // Only listing: the owner still cannot read other tenant tables, or change workspaces, unscoped.
      expect((await owner.query('select * from workspace_keys')).rowCount).toBe(0);
      expect((await owner.query(`update workspaces set name = 'x'`)).rowCount).toBe(0);
    });
  });
});

describe('the owner-only policies of 0006, 0007, 0013 and 0016, and the hash indexes', () => {
  it('are exactly the allowlisted ones, each for the owner alone', async () => {
    const policies = await withClient(database.adminUrl, async (client) =>
      (
        await client.query<{ name: string }>(
          `select tablename || '.' || policyname || ' ' || cmd || ' ' || array_to_string(roles, ',') as name
           from pg_policies where schemaname = 'public' and not ('public' = any(roles)) order by 1`,
        )
      ).rows.map((row) => row.name),
    );
    expect(policies).toEqual([
      'api_tokens.api_tokens_lookup_select SELECT causeloop_owner',
      'export_jobs.export_jobs_claim_select SELECT causeloop_owner',
      'idempotency_keys.idempotency_keys_reaper_delete DELETE causeloop_owner',
      'idempotency_keys.idempotency_keys_reaper_select SELECT causeloop_owner',
      'jobs.jobs_claim_select SELECT causeloop_owner',
      'loops.loops_watcher_select SELECT causeloop_owner',
      'patterns.patterns_predictor_select SELECT causeloop_owner',
      'predictions.predictions_scorer_select SELECT causeloop_owner',
      'refresh_tokens.refresh_tokens_lookup_select SELECT causeloop_owner',
      'workspace_members.workspace_members_lookup_select SELECT causeloop_owner',
      'workspaces.workspaces_operator_select SELECT causeloop_owner',
    ]);
  });
});

describe('the checks themselves', () => {
  it('name every table and object of a deliberately broken schema', async () => {
    const broken = await createTestDatabase();
    try {
      const gaps = await withClient(broken.adminUrl, async (client) => {
        await client.query(`
          create table leaky (id uuid, workspace_id uuid, code text unique, primary key (workspace_id, id));
          create table half (id uuid primary key, workspace_id uuid, leaky_id uuid);
          alter table half enable row level security;
          create policy half_select on half for select using (workspace_id = (select app_current_tenant()));
          create policy half_everyone on half for all using (true);
          create policy half_owner_select on half for select to causeloop_owner using (true);
          create policy workspaces_owner_all on workspaces for all to causeloop_owner using (true);
          create policy workspaces_both_select on workspaces for select to causeloop_owner, causeloop_app using (true);
          alter table half add foreign key (workspace_id, leaky_id) references leaky (workspace_id, id);
          create table loose (workspace_id uuid, leaky_id uuid);
          alter table leaky add unique (workspace_id, id);
          create unique index loose_pair on loose (workspace_id, leaky_id);
          alter table loose add constraint loose_leaky foreign key (leaky_id, workspace_id) references leaky (id, workspace_id);
          create table by_code (workspace_id uuid, code text references leaky (code));
          create table stray (id uuid primary key);
          alter table stray owner to causeloop_app;
          create view leaky_view as select * from leaky;
          create view safe_view with (security_invoker = true) as select * from leaky;
          create materialized view leaky_snapshot as select * from leaky;
          create policy api_tokens_lookup_all on api_tokens for all to causeloop_owner using (true);
          create policy refresh_tokens_app_select on refresh_tokens for select to causeloop_owner, causeloop_app using (true);
          create policy service_accounts_lookup_select on service_accounts for select to causeloop_owner using (true);
          create index api_tokens_by_name on api_tokens (name);
          create unique index refresh_tokens_token_hash_again on refresh_tokens (token_hash);
        `);
        return findRlsGaps(client);
      });
      expect(gaps.withoutForcedRls).toEqual([
        'by_code (enabled=false, forced=false)',
        'half (enabled=true, forced=false)',
        'leaky (enabled=false, forced=false)',
        'loose (enabled=false, forced=false)',
      ]);
      expect(gaps.withoutPolicies).toEqual([
        expect.stringMatching(/^by_code lacks SELECT using/),
        expect.stringMatching(/^half lacks INSERT with check, UPDATE using/),
        expect.stringMatching(/^leaky lacks SELECT using/),
        expect.stringMatching(/^loose lacks/),
      ]);
      // The migrated workspaces_operator_select and the *_lookup_select policies of 0006
      // are accepted; look-alikes (other names, commands, tables or roles) are not.
      expect(gaps.unscopedPolicies.sort()).toEqual([
        'api_tokens.api_tokens_lookup_all',
        'half.half_everyone',
        'half.half_owner_select',
        'refresh_tokens.refresh_tokens_app_select',
        'service_accounts.service_accounts_lookup_select',
        'workspaces.workspaces_both_select',
        'workspaces.workspaces_owner_all',
      ]);
      // Only the two named token-hash indexes of 0006 may lead with something else.
      expect(gaps.indexesNotLedByTenant).toEqual([
        'api_tokens.api_tokens_by_name (leads with name)',
        'half.half_pkey (leads with id)',
        'leaky.leaky_code_key (leads with code)',
        'refresh_tokens.refresh_tokens_token_hash_again (leads with token_hash)',
      ]);
      expect(gaps.foreignKeysWithoutTenant).toEqual(['by_code.by_code_code_fkey (code)']);
      expect(gaps.ownedByApp).toEqual(['public.stray', 'public.stray_pkey']);
      expect(gaps.unsafeViews).toEqual(['leaky_snapshot (materialized view)', 'leaky_view']);
    } finally {
      await broken.drop();
    }
  });
});
