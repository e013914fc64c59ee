-- The workspace the current transaction works for, set by the platform's withTenant
-- helper with set_config('app.current_workspace', $1, true). A connection that never set
-- it reads NULL (missing_ok), and one whose transaction-local value was reset reads '';
-- both become NULL, so policies comparing with it match no rows instead of erroring or
-- matching everything.
-- STABLE lets policies evaluate `(select app_current_tenant())` once per statement;
-- PARALLEL SAFE because parallel workers receive the leader's GUC values, and an unsafe
-- function in a policy would rule out parallel plans on every tenant table.
CREATE FUNCTION public.app_current_tenant() RETURNS uuid
  LANGUAGE sql
  STABLE
  PARALLEL SAFE
AS $$
  SELECT NULLIF(pg_catalog.current_setting('app.current_workspace', true), '')::uuid
$$;

-- Puts a tenant table under Row-Level Security the one way DESIGN.md §4 allows: ENABLE
-- and FORCE (so even the owner is filtered), and one policy per command comparing the
-- tenant key with the current tenant, USING and WITH CHECK alike, so a row can be neither
-- seen nor written across workspaces. Every migration that adds a tenant table calls
-- `SELECT app_enable_tenant_rls('public.<table>');` (the tenant root passes 'id');
-- rls-coverage.test.ts checks the catalog either way.
CREATE FUNCTION public.app_enable_tenant_rls(target regclass, tenant_column name DEFAULT 'workspace_id')
  RETURNS void
  LANGUAGE plpgsql
  SET search_path = pg_catalog, public
AS $$
DECLARE
  table_name text := (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = target);
  same_tenant text := format('%I = (SELECT public.app_current_tenant())', tenant_column);
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', target);
  EXECUTE format('CREATE POLICY %I ON %s FOR SELECT USING (%s)', table_name || '_select', target, same_tenant);
  EXECUTE format('CREATE POLICY %I ON %s FOR INSERT WITH CHECK (%s)', table_name || '_insert', target, same_tenant);
  EXECUTE format('CREATE POLICY %I ON %s FOR UPDATE USING (%s) WITH CHECK (%s)',
                 table_name || '_update', target, same_tenant, same_tenant);
  EXECUTE format('CREATE POLICY %I ON %s FOR DELETE USING (%s)', table_name || '_delete', target, same_tenant);
END
$$;

-- Only migrations (the owner) use it.
REVOKE EXECUTE ON FUNCTION public.app_enable_tenant_rls(regclass, name) FROM PUBLIC, causeloop_app;
