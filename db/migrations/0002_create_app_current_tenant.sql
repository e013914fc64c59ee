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
