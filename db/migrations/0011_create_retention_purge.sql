-- Retention purge (run by the tenancy service's leader, one workspace at a time under its
-- GUC). The app role never gets audit_log_purge itself, which takes any cut-off: this
-- wrapper purges only the current tenant and only what that workspace's own
-- retention_audit_days (at least 365, a CHECK since 0009) allows. Returns rows removed.
CREATE FUNCTION public.tenancy_purge_audit_log() RETURNS bigint
  LANGUAGE plpgsql
  VOLATILE
  SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
DECLARE
  tenant uuid := (SELECT public.app_current_tenant());
  keep_days integer;
BEGIN
  IF tenant IS NULL THEN
    RAISE EXCEPTION 'tenancy_purge_audit_log runs inside a tenant transaction' USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT w.retention_audit_days INTO keep_days FROM public.workspaces w WHERE w.id = tenant;
  IF keep_days IS NULL OR keep_days < 365 THEN
    RETURN 0;
  END IF;
  RETURN public.audit_log_purge(tenant, now() - make_interval(days => keep_days));
END
$$;

-- The workspaces the purge visits, a page at a time (ids only, after `after_id`): the
-- app role cannot list tenants itself, and learns nothing here but ids.
CREATE FUNCTION public.tenancy_workspace_ids(after_id uuid, page_size integer)
  RETURNS TABLE (workspace_id uuid)
  LANGUAGE sql
  STABLE
  SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
  SELECT w.id FROM public.workspaces w
   WHERE after_id IS NULL OR w.id > after_id
   ORDER BY w.id
   LIMIT least(greatest(page_size, 1), 1000)
$$;

REVOKE EXECUTE ON FUNCTION public.tenancy_purge_audit_log(), public.tenancy_workspace_ids(uuid, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.tenancy_purge_audit_log(), public.tenancy_workspace_ids(uuid, integer) TO causeloop_app;
